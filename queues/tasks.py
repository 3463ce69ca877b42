"""Background jobs of the queues that the services start: e-mails to applicants.

The services call the enqueue helpers below inside their transaction; the job runs once it
commits. The jobs a timer runs instead (the expiry of offers, the daily ledger roots) call
a service that enqueues these, so they are declared beside that service, above this module:
queues/services/offers.py (offers_expire_task) and queues/services/roots.py
(ledger_roots_publish_task).
"""

from django_tasks import task

from queues import notifications
from queues.models import Application
from rgis.jobs import job_enqueue_on_commit


@task(queue_name="notifications")
def application_status_notify_task(application_id: int, status: str) -> bool:
    """E-mail the applicant the new status of their application (if they left an address)."""
    return notifications.application_status_mail_send(application_id, status)


@task(queue_name="notifications")
def near_head_notify_task(queue_id: int) -> int:
    """E-mail, once, the applicants who came within N places of the head of the queue."""
    return notifications.near_head_mails_send(queue_id)


def status_change_announce(application: Application) -> None:
    """After the commit: e-mail the applicant their new status, if they left an address."""
    if application.email:
        job_enqueue_on_commit(
            application_status_notify_task, application.pk, str(application.status)
        )


def queue_moved_announce(queue_id: int) -> None:
    """After the commit: look for applicants who came near the head (a cheap job)."""
    job_enqueue_on_commit(near_head_notify_task, queue_id)
