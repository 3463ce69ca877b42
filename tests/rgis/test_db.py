"""rgis.db and the rgis.postgis backend: statement timeouts and health checks."""

import time

import pytest
from django.db import OperationalError, connection, connections, transaction

from rgis import db
from rgis.postgis import base as backend


def _statement_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)  # autocommit, as in a web request
def test_in_autocommit_the_timeout_and_the_statement_are_one_round_trip(
    django_assert_num_queries,
):
    before = _statement_timeout()
    with django_assert_num_queries(1):
        row = db.fetchone_with_timeout("default", "SELECT %(one)s", {"one": 1}, 1000)
    assert row == (1,)
    assert _statement_timeout() == before  # SET LOCAL ended with the implicit transaction
    with pytest.raises(OperationalError):
        db.fetchone_with_timeout("default", "SELECT pg_sleep(%(s)s)", {"s": 1}, 50)
    assert _statement_timeout() == before
    assert db.fetchone_with_timeout("default", "SELECT 2", {}, 1000) == (2,)


@pytest.mark.django_db
def test_in_a_callers_transaction_the_timeout_ends_with_the_statement():
    before = _statement_timeout()
    with transaction.atomic():
        assert db.fetchone_with_timeout("default", "SELECT 1", {}, 1000) == (1,)
        assert _statement_timeout() == before
        with pytest.raises(OperationalError):
            db.fetchone_with_timeout("default", "SELECT pg_sleep(%(s)s)", {"s": 1}, 50)
        # The caller's transaction goes on: only the savepoint was rolled back.
        assert db.fetchone_with_timeout("default", "SELECT 3", {}, 1000) == (3,)
    assert _statement_timeout() == before


@pytest.mark.django_db
def test_a_connection_is_health_checked_only_after_sitting_idle(monkeypatch):
    checks = []
    default = connections["default"]
    assert isinstance(default, backend.DatabaseWrapper)
    monkeypatch.setattr(default, "is_usable", lambda: checks.append(1) or True)
    clock = [time.monotonic() + 100]  # well after any earlier use of the connection
    monkeypatch.setattr(backend.time, "monotonic", lambda: clock[0])
    default.ensure_connection()
    monkeypatch.setattr(default, "health_check_enabled", True)

    def request() -> None:
        default.health_check_done = False  # what Django does when a request starts
        with default.cursor() as cursor:
            cursor.execute("SELECT 1")

    request()  # first use of this wrapper: checked
    clock[0] += 0.2
    request()  # used a moment ago: not checked
    clock[0] += backend.HEALTH_CHECK_AFTER_IDLE_SECONDS + 0.5
    request()  # idle: checked
    assert len(checks) == 2
