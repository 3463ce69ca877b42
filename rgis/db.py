"""Database plumbing shared by the apps: a read under a statement timeout in one round trip."""

from typing import Any

from django.db import connections, transaction


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
