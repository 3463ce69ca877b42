import time

import pytest
from django.core.cache import caches
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from tests.factories import StaffUserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff_client(client, db):
    """A test client signed in as a new staff member of the given role."""

    def sign_in(role: str | None):
        user = StaffUserFactory(role=role)
        client.force_login(user)
        return client, user

    return sign_in


@pytest.fixture
def run_jobs():
    """Run the queued background jobs here, as the worker does (same task, same arguments).

    In-process, so Django's locmem mail outbox sees the e-mails; the worker command itself
    is tested in tests/rgis/test_jobs.py.
    """

    def run() -> list[str]:
        done = []
        # Until none is ready: jobs enqueue jobs (a notification puts letters in the outbox,
        # each sent by a job of its own).
        while ready := list(DBTaskResult.objects.ready().order_by("enqueued_at")):
            for result in ready:
                task = result.task
                task.call(*result.task_result.args, **result.task_result.kwargs)
                result.set_successful(None)
                done.append(task.name)
        return done

    return run


@pytest.fixture(autouse=True)
def caches_empty():
    """Every test starts with empty caches: rate-limit counts and cached pages of one test
    must not leak into the next (test settings keep every cache in memory)."""
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _forget_remembered_layers():
    """Each test starts without the tile views' per-process memory of published layers."""
    from geodata.selectors import published_layer_memo_clear

    published_layer_memo_clear()
    yield
    published_layer_memo_clear()


@pytest.fixture(autouse=True)
def _forget_remembered_reference_data():
    """Each test starts without the per-process memory of categories and the calendar."""
    from rgis.memo import process_memos_clear

    process_memos_clear()
    yield
    process_memos_clear()


@pytest.fixture(autouse=True)
def _rate_counts_culled_just_now(monkeypatch):
    """No test's rate count is the one a minute that also deletes expired counts: which
    test that would be depends on the clock, and it adds a statement to count queries by."""
    from rgis import ratelimit

    monkeypatch.setitem(ratelimit._cull, "last", time.monotonic())


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Code run outside a request (services, commands, jobs) speaks English in the tests,
    so they can assert its messages; pages and APIs still pick the language of the request
    (URL prefix, Accept-Language), and the i18n tests switch languages themselves."""
    with translation.override("en"):
        yield
