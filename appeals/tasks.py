"""Background jobs of the appeals (e-mails to applicants and followers) and their enqueue
helpers, which the services call inside their transactions."""

from django.db import transaction
from django_tasks import task

from appeals import notifications
from appeals.models import Appeal, AppealFollower
from rgis.jobs import job_enqueue_on_commit


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


def appeal_status_notify_enqueue(appeal: Appeal, *, followed: bool | None = None) -> None:
    """After the commit: e-mail the applicant, if they left an address, and the followers.

    `followed`: whether anyone follows the appeal where the caller knows (nobody follows an
    appeal being filed); None asks the database.
    """
    if followed is None:
        followed = appeal.followers.filter(confirmed_at__isnull=False).exists()
    if appeal.applicant_email or followed:
        job_enqueue_on_commit(appeal_status_notify_task, appeal.pk)


def follower_confirm_enqueue(follower: AppealFollower) -> None:
    """After the commit: the letter with the confirmation link."""
    job_enqueue_on_commit(follower_confirm_task, follower.pk)
