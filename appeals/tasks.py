"""Background jobs of the appeals: e-mails to applicants."""

from django.db import transaction
from django_tasks import task

from appeals import notifications


@task(queue_name="notifications")
def appeal_status_notify_task(appeal_id: int) -> bool:
    """E-mail the applicant the appeal's new status (if they left an address)."""
    # The applicant's and every follower's letter enter the outbox together: a worker killed
    # halfway leaves none, and the job run again (rgis.jobs) writes each once.
    with transaction.atomic():
        return notifications.appeal_status_mail_send(appeal_id)


@task(queue_name="notifications")
def follower_confirm_task(follower_id: int) -> bool:
    """E-mail the link that confirms a follower's address."""
    return notifications.follower_confirmation_mail_send(follower_id)
