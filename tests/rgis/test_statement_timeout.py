"""Point 5 of issue 12: no web request keeps the database busy for long; commands may.

The slow statement is made deterministic without a test-only URL: a second connection
holds an ACCESS EXCLUSIVE lock on the table an ordinary public page reads, so the page's
SELECT waits, and PostgreSQL counts waiting for a lock against statement_timeout.
"""

import os
import subprocess
import sys
import threading

import psycopg2
import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def _locker() -> "psycopg2.extensions.connection":
    params = connection.get_connection_params()
    return psycopg2.connect(
        dbname=params["dbname"],
        user=params.get("user"),
        password=params.get("password"),
        host=params.get("host"),
        port=params.get("port"),
    )


@pytest.fixture
def lock_table():
    """Lock a table from another session for 5 s (without a timeout the page waits that long)."""
    holders = []

    def lock(table: str) -> None:
        holder = _locker()
        with holder.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        release = threading.Timer(5.0, holder.rollback)
        release.start()
        holders.append((holder, release))

    yield lock
    for holder, release in holders:
        release.join()
        holder.close()


@pytest.fixture
def fresh_connection():
    """The test thread's connection closed before and after: its timeout is set anew."""
    connection.close()
    yield
    connection.close()


def test_a_slow_public_page_answers_503_in_the_visitors_language(
    client, settings, lock_table, fresh_connection
):
    settings.RGIS_WEB_STATEMENT_TIMEOUT_MS = 300
    lock_table("parcels_parcel")

    response = client.get("/ru/parcels/", {"q": "06-097"})

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    body = response.content.decode()
    assert 'lang="ru"' in body
    assert "Traceback" not in body and "statement timeout" not in body


def test_a_slow_api_request_answers_503_json(client, settings, lock_table, fresh_connection):
    settings.RGIS_WEB_STATEMENT_TIMEOUT_MS = 300
    lock_table("queues_application")

    response = client.get(
        "/api/queues/applications/TARAZ-IZHS-2026-0000001", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 503
    assert "try again" in response.json()["error"]


def test_the_worker_timeout_applies_outside_requests(settings, fresh_connection):
    settings.RGIS_WEB_STATEMENT_TIMEOUT_MS = 300
    settings.RGIS_WORKER_STATEMENT_TIMEOUT_MS = 0

    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"


def test_a_management_command_is_not_cut_by_the_web_timeout(settings):
    """A real `manage.py` process waits out a lock held longer than the web's limit."""
    holder = _locker()
    with holder.cursor() as cursor:
        cursor.execute("LOCK TABLE queues_ledgerentry IN ACCESS EXCLUSIVE MODE")
    release = threading.Timer(2.0, holder.rollback)
    release.start()
    params = connection.get_connection_params()
    url = (
        f"postgis://{params['user']}:{params.get('password', '')}@{params['host']}:"
        f"{params.get('port') or 5432}/{params['dbname']}"
    )
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "rgis.settings.test",
        "RGIS_WEB_STATEMENT_TIMEOUT_MS": "200",
    }
    try:
        finished = subprocess.run(
            [sys.executable, "manage.py", "queue_verify"],
            cwd=settings.BASE_DIR,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        release.join()
        holder.close()

    assert finished.returncode == 0, finished.stderr
    assert "timeout" not in finished.stderr
