import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from rgis.jobs import job_enqueue_on_commit
from staff.models import AuditEntry
from tests.rgis.jobs_for_tests import leave_a_trace

ROOT = Path(__file__).resolve().parents[2]


def run_worker_once() -> subprocess.CompletedProcess:
    """The real worker command, on the test database, until the queue is empty."""
    settings = connection.settings_dict
    url = (
        f"postgis://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
        f"{settings['PORT']}/{settings['NAME']}"
    )
    return subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--queue-name", "*"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "rgis.settings.test"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_a_job_enqueued_in_a_committed_transaction_runs_in_the_worker():
    with transaction.atomic():
        job_enqueue_on_commit(leave_a_trace, "committed")
        assert DBTaskResult.objects.count() == 0  # nothing before the commit
    assert DBTaskResult.objects.count() == 1

    result = run_worker_once()
    assert result.returncode == 0, result.stderr
    assert AuditEntry.objects.filter(action="test.job_ran", actor_username="committed").exists()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_a_job_from_a_rolled_back_transaction_never_runs():
    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        job_enqueue_on_commit(leave_a_trace, "rolled back")
        raise Abandon
    assert DBTaskResult.objects.count() == 0
