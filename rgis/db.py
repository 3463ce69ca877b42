"""Database plumbing shared by the apps: statement timeouts, the owner and app roles.

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
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

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
            # On the driver's connection, like Django's own connection set-up: not a query
            # of the request (query-count assertions do not see it).
            with connection.connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {wanted}")
            # Our own mark on the connection (what it was set to): not a declared attribute.
            connection.rgis_statement_timeout = wanted  # type: ignore[attr-defined]  # see above


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


# --- Two database roles: the owner migrates, the app only reads and writes rows ---

# Tables whose rows are never changed once written (the apps register theirs in
# AppConfig.ready()); the app role may only SELECT and INSERT there, so even a bug or an
# injection in the portal meets "permission denied" before the append-only triggers.
_append_only_tables: set[str] = set()


def append_only_table_register(*tables: str) -> None:
    """Declare tables the app role may only read and append to (called by apps)."""
    _append_only_tables.update(tables)


def append_only_tables() -> frozenset[str]:
    return frozenset(_append_only_tables)


@contextmanager
def connected_as_owner(alias: str = "default") -> Iterator[bool]:
    """Run the block on `alias` connected as DATABASE_OWNER_URL's role, if one is set.

    Yields whether it switched. The connection is closed before and after, so nothing
    done as the owner leaks into later work of this process. The database stays the
    connection's own (the test runner's test database stays the test database); the owner's
    URL gives the role, its password, and the host and port (e.g. PostgreSQL itself where
    the app goes through PgBouncer).
    """
    # dj-database-url types it as a TypedDict; _OWNER_KEYS are read from it as a dict.
    owner = cast(dict[str, Any] | None, settings.DATABASE_OWNER)
    if not owner or alias != "default":
        yield False
        return
    connection = connections[alias]
    saved = {key: connection.settings_dict[key] for key in _OWNER_KEYS}
    connection.close()
    connection.settings_dict.update({key: owner[key] for key in _OWNER_KEYS})
    try:
        yield True
    finally:
        connection.close()
        connection.settings_dict.update(saved)


_OWNER_KEYS = ("USER", "PASSWORD", "HOST", "PORT")


def app_role_grant(cursor: Any, role: str) -> None:
    """Give `role` the rights the portal needs on the schema the current user owns.

    Rows only: SELECT, INSERT, UPDATE and DELETE on tables (SELECT and INSERT on the
    append-only ones), sequences for new ids; never ownership, TRUNCATE, TRIGGER or
    REFERENCES, so the role cannot drop or disable a trigger, alter or drop a table or
    empty one. ALTER DEFAULT PRIVILEGES gives the same on tables later migrations create.
    """
    role_sql = _identifier(cursor, role)
    cursor.execute("GRANT USAGE ON SCHEMA public TO " + role_sql)
    cursor.execute(
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role_sql
    )
    cursor.execute(
        "REVOKE TRUNCATE, TRIGGER, REFERENCES ON ALL TABLES IN SCHEMA public FROM " + role_sql
    )
    cursor.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + role_sql)
    cursor.execute(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO " + role_sql
    )
    cursor.execute(
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO " + role_sql
    )
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = ANY(%s)",
        [sorted(_append_only_tables)],
    )
    for (table,) in cursor.fetchall():
        cursor.execute(f"REVOKE UPDATE, DELETE ON {_identifier(cursor, table)} FROM {role_sql}")


def _identifier(cursor: Any, name: str) -> str:
    cursor.execute("SELECT quote_ident(%s)", [name])
    return str(cursor.fetchone()[0])


def app_role_ensure(cursor: Any, role: str, password: str) -> bool:
    """Create the app role (LOGIN, no other attribute) if missing; whether it was created.

    The owner role needs CREATEROLE for this (the Docker image's owner is a superuser).
    """
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    if cursor.fetchone():
        return False
    cursor.execute(
        f"CREATE ROLE {_identifier(cursor, role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
        "PASSWORD %s",
        [password],
    )
    return True
