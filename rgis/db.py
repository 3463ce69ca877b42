"""Database plumbing shared by the apps: statement timeouts of web and background work.

Every connection opened while a thread serves a web request runs its statements under
RGIS_WEB_STATEMENT_TIMEOUT_MS; every other connection (management commands, the job
worker, migrations, a web process's own background thread) under
RGIS_WORKER_STATEMENT_TIMEOUT_MS (0: none). Django sends `request_started` and
`request_finished` around every request its WSGI handler serves (gunicorn, runserver and
the test client alike) and never in a command, so "is this thread serving a request" is
known without any process having to say what it is. A connection is thread-local; one
opened outside a request (the lean tile path, a test) that then serves a request gets
the web timeout with one SET, once for its lifetime.
"""

import threading
from typing import Any

from django.conf import settings
from django.db import connections, transaction

_serving = threading.local()
# PostgreSQL's code for "canceling statement due to statement timeout" (query_canceled).
QUERY_CANCELED = "57014"


def statement_timeout_wanted() -> int:
    """The statement timeout (ms, 0 = none) for a connection this thread uses now."""
    if getattr(_serving, "request", False):
        return int(settings.RGIS_WEB_STATEMENT_TIMEOUT_MS)
    return int(settings.RGIS_WORKER_STATEMENT_TIMEOUT_MS)


def web_request_started(**kwargs: Any) -> None:
    """Mark this thread as serving a request; give its open connections the web timeout."""
    _serving.request = True
    wanted = statement_timeout_wanted()
    for connection in connections.all(initialized_only=True):
        applied = getattr(connection, "rgis_statement_timeout", None)
        if connection.connection is not None and applied is not None and applied != wanted:
            with connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {wanted}")
            connection.rgis_statement_timeout = wanted  # type: ignore[attr-defined]


def web_request_finished(**kwargs: Any) -> None:
    _serving.request = False


def statement_timed_out(error: BaseException) -> bool:
    """Whether a database error is PostgreSQL cancelling a statement at its timeout."""
    cause = error.__cause__ or error
    return getattr(cause, "pgcode", None) == QUERY_CANCELED


def fetchone_with_timeout(alias: str, sql: str, params: Any, timeout_ms: int) -> tuple | None:
    """The first row of a read-only statement run under `statement_timeout = timeout_ms`.

    In autocommit mode (a web request) the timeout and the statement travel as one
    query string: PostgreSQL runs such a string as one implicit transaction, so SET LOCAL
    holds for the statement and ends with it, in one round trip instead of BEGIN, SET,
    SELECT and COMMIT. Inside a caller's transaction (a service, a test) that string would
    leave the timeout set until the caller commits, so there it runs in a savepoint that is
    rolled back, which undoes SET LOCAL (RELEASE SAVEPOINT would keep it).
    """
    connection = connections[alias]
    statement = f"SET LOCAL statement_timeout = {int(timeout_ms)}; {sql}"
    if connection.get_autocommit():
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchone()
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
        transaction.set_rollback(True, using=alias)
    return row
