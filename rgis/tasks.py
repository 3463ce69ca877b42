"""Background jobs of the platform: sending the letters of the outbox (rgis.mail)."""

import datetime

from django_tasks import task

from rgis.mail_sending import letter_send


@task(queue_name="notifications")
def letter_send_task(letter_id: int) -> bool:
    """One try at sending one letter of the outbox."""
    return letter_send(letter_id=letter_id, retry_enqueue=letter_send_enqueue)


def letter_send_enqueue(letter_id: int, *, run_after: datetime.datetime | None = None) -> None:
    """A job that sends the letter now (or at `run_after`).

    Enqueued at once, not on commit: the database backend writes the job's row in this
    same transaction, so the letter and its job are committed (or rolled back) together.
    """
    job = letter_send_task if run_after is None else letter_send_task.using(run_after=run_after)
    job.enqueue(letter_id)
