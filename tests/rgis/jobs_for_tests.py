"""A task the worker can import, used to prove jobs really run in a separate worker."""

from django_tasks import task

from staff.services import audit_record


@task(queue_name="default")
def leave_a_trace(marker: str) -> str:
    audit_record(actor=None, action="test.job_ran", actor_username=marker)
    return marker
