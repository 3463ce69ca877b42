"""Background jobs: Django's tasks API (django-tasks backport) on the database backend.

Workers (`manage.py db_worker`) on any number of machines share the one database; each
claims a job with SELECT ... FOR UPDATE SKIP LOCKED, so no job runs twice.
"""

from typing import Any

from django.db import transaction


def job_enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue a task once the surrounding transaction commits (at once outside one).

    A job enqueued inside a transaction that then rolls back must never run: it would
    act on data that does not exist.
    """
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
