"""Background jobs of the hearings: the letter that tells a commenter of the answer."""

from django.db import transaction
from django_tasks import task

from hearings.models import Comment
from hearings.notifications import answer_letter_queue
from rgis.jobs import job_enqueue_on_commit


@task(queue_name="notifications")
def answer_letter_task(comment_id: int) -> bool:
    """Put the answer's letter in the outbox (the outbox's own job sends it)."""
    with transaction.atomic():
        return answer_letter_queue(comment_id)


def answer_letter_enqueue(comment: Comment) -> None:
    """After the commit: the letter to the commenter who left an e-mail."""
    job_enqueue_on_commit(answer_letter_task, comment.pk)
