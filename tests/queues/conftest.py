import pytest
from django_tasks_db.models import DBTaskResult

from queues.models import RemovalReason
from tests.factories import QueueFactory


@pytest.fixture
def queue(db):
    return QueueFactory()


@pytest.fixture
def run_jobs():
    """Run the queued background jobs here, as the worker does (same task, same arguments).

    In-process, so Django's locmem mail outbox sees the e-mails; the worker command itself
    is tested in tests/rgis/test_jobs.py.
    """

    def run() -> list[str]:
        done = []
        for result in DBTaskResult.objects.ready().order_by("enqueued_at"):
            task = result.task
            task.call(*result.task_result.args, **result.task_result.kwargs)
            result.set_successful(None)
            done.append(task.name)
        return done

    return run


@pytest.fixture
def removal_reason(db):
    return RemovalReason.objects.get(code="own-request")
