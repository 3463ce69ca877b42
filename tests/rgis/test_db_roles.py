"""Point 7 of issue 12: the app's database role cannot undo the append-only protections.

A fresh app role (named after this test database, so parallel runs on the same server
do not clash; dropped afterwards) gets its rights from `db_grant_app_role` or `migrate`,
and a real psycopg2 connection as that role tries what an attacker inside the portal
would: drop or disable the triggers of the queue ledger and the audit log, empty or drop
the tables.
"""

import secrets
from contextlib import contextmanager

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection
from psycopg2 import errors

from queues.models import Application, LedgerEntry
from queues.services.applications import application_register
from tests.factories import QueueFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def app_role():
    """A new login role with no rights yet: (name, password)."""
    name = f"rgis_app_{connection.settings_dict['NAME']}"[:63]
    password = secrets.token_urlsafe(16)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
        if cursor.fetchone():  # left by an interrupted run
            cursor.execute(f"DROP OWNED BY {name}")
            cursor.execute(f"DROP ROLE {name}")
        cursor.execute(f"CREATE ROLE {name} LOGIN NOSUPERUSER PASSWORD %s", [password])
    yield name, password
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {name}")
        cursor.execute(f"DROP ROLE {name}")


def _connect_as(role: tuple[str, str]) -> "psycopg2.extensions.connection":
    params = connection.get_connection_params()
    session = psycopg2.connect(
        dbname=params["dbname"],
        user=role[0],
        password=role[1],
        host=params.get("host"),
        port=params.get("port"),
    )
    session.autocommit = True
    return session


@contextmanager
def _portal_as(role: tuple[str, str]):
    """Django's own connection, as the given role, for the block."""
    saved = {key: connection.settings_dict[key] for key in ("USER", "PASSWORD")}
    connection.close()
    connection.settings_dict.update({"USER": role[0], "PASSWORD": role[1]})
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


ATTACKS = [
    "DROP TRIGGER queues_ledgerentry_append_only ON queues_ledgerentry",
    "DROP TRIGGER staff_auditentry_append_only ON staff_auditentry",
    "ALTER TABLE queues_ledgerentry DISABLE TRIGGER ALL",
    "ALTER TABLE staff_auditentry DISABLE TRIGGER ALL",
    "TRUNCATE queues_ledgerentry",
    "TRUNCATE staff_auditentry",
    "DROP TABLE staff_auditentry",
    "DROP TABLE queues_application CASCADE",
    "ALTER TABLE queues_application DROP CONSTRAINT application_one_live_per_person_per_queue",
    "UPDATE queues_ledgerentry SET event = 'removed'",
    "DELETE FROM queues_ledgerroot",
]


@pytest.mark.parametrize("statement", ATTACKS)
def test_the_app_role_cannot_undo_the_database_rules(app_role, statement):
    call_command("db_grant_app_role", app_role[0], verbosity=0)
    session = _connect_as(app_role)
    try:
        with session.cursor() as cursor, pytest.raises(errors.InsufficientPrivilege):
            cursor.execute(statement)
        with session.cursor() as cursor:  # the trigger is still there
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname IN "
                "('queues_ledgerentry_append_only', 'staff_auditentry_append_only')"
                " AND tgenabled <> 'D'"
            )
            assert cursor.fetchone()[0] == 2
    finally:
        session.close()


def test_the_app_role_reads_and_writes_ordinary_rows(app_role):
    call_command("db_grant_app_role", app_role[0], verbosity=0)
    session = _connect_as(app_role)
    try:
        with session.cursor() as cursor:
            cursor.execute(
                "INSERT INTO parcels_settlement (slug, name_kk, name_ru, name_en) "
                "VALUES ('role-probe', 'a', 'b', 'c') RETURNING id"
            )
            assert cursor.fetchone()[0] > 0
            cursor.execute("SELECT slug FROM parcels_settlement WHERE slug = 'role-probe'")
            assert cursor.fetchone() == ("role-probe",)
            cursor.execute("SELECT count(*) FROM queues_ledgerentry")
            assert cursor.fetchone() == (0,)
    finally:
        session.close()


def test_the_portal_registers_an_application_as_the_app_role(app_role):
    queue = QueueFactory()
    call_command("db_grant_app_role", app_role[0], verbosity=0)

    with _portal_as(app_role):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == app_role[0]
        application = application_register(
            queue=queue, full_name="Ролев Апп Тестович", iin="791028302728"
        )
        assert Application.objects.get(pk=application.pk).status == "waiting"
        assert LedgerEntry.objects.filter(application_number=application.number).count() == 1


def test_migrate_as_the_owner_grants_the_app_role_also_on_new_tables(app_role, settings):
    owner = dict(connection.settings_dict)
    settings.DATABASE_OWNER = {
        key: owner[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")
    }

    with _portal_as(app_role):
        call_command("migrate", verbosity=0)  # connects as the owner for the run
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == app_role[0]
            cursor.execute("SELECT count(*) FROM django_migrations")
            assert cursor.fetchone()[0] > 0
    # A table a later migration makes: granted by default, not owned by the app role.
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE rgis_role_probe (id bigserial PRIMARY KEY, note text)")
    try:
        session = _connect_as(app_role)
        with session.cursor() as cursor:
            cursor.execute("INSERT INTO rgis_role_probe (note) VALUES ('x')")
            with pytest.raises(errors.InsufficientPrivilege):
                cursor.execute("DROP TABLE rgis_role_probe")
        session.close()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE rgis_role_probe")


def test_migrate_as_the_owner_creates_a_missing_app_role(app_role, settings):
    owner = dict(connection.settings_dict)
    settings.DATABASE_OWNER = {
        key: owner[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")
    }
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE {app_role[0]}")

    with _portal_as(app_role):
        call_command("migrate", verbosity=0)

    session = _connect_as(app_role)
    try:
        with session.cursor() as cursor:
            cursor.execute(
                "SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user"
            )
            assert cursor.fetchone() == (False, False)
            cursor.execute("SELECT count(*) FROM queues_queue")
            with pytest.raises(errors.InsufficientPrivilege):
                cursor.execute("TRUNCATE queues_queue")
    finally:
        session.close()


def test_switching_an_installation_where_the_app_role_owned_the_tables(app_role):
    """`--reassign` hands what the app role owned to the owner; then it cannot drop it."""
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT CREATE ON SCHEMA public TO {app_role[0]}")
    session = _connect_as(app_role)
    try:
        with session.cursor() as cursor:
            cursor.execute("CREATE TABLE rgis_owned_probe (id bigserial PRIMARY KEY)")
        with connection.cursor() as cursor:
            cursor.execute(f"REVOKE CREATE ON SCHEMA public FROM {app_role[0]}")

        call_command("db_grant_app_role", app_role[0], "--reassign", verbosity=0)

        with connection.cursor() as cursor:
            cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'rgis_owned_probe'")
            assert cursor.fetchone()[0] == connection.settings_dict["USER"]
        with session.cursor() as cursor:
            cursor.execute("INSERT INTO rgis_owned_probe DEFAULT VALUES")
            with pytest.raises(errors.InsufficientPrivilege):
                cursor.execute("DROP TABLE rgis_owned_probe")
    finally:
        session.close()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS rgis_owned_probe")
