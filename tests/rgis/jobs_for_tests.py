"""A task the worker can import, used to prove jobs really run in a separate worker."""

from django_tasks import task

from staff.services import audit_record


@task(queue_name="default")
def leave_a_trace(marker: str) -> str:
    audit_record(actor=None, action="test.job_ran", actor_username=marker)
    return marker


@task(queue_name="default")
def kill_my_worker() -> None:
    """A job whose worker dies under it every time (as an out-of-memory kill would)."""
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)
