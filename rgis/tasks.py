"""Background jobs of the platform: sending the letters of the outbox (rgis.mail)."""

from django_tasks import task

from rgis.mail import letter_send


@task(queue_name="notifications")
def letter_send_task(letter_id: int) -> bool:
    """One try at sending one letter of the outbox."""
    return letter_send(letter_id=letter_id)
