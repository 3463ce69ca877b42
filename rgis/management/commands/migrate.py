"""Django's migrate, run as the owner role and followed by the app role's grants.

With DATABASE_OWNER_URL set, the schema is changed by that role (it owns every table and
trigger); the app role of DATABASE_URL is created first if missing (its password from
DATABASE_URL) and then granted row rights only, on the new
tables too (see rgis.db.app_role_grant). Without it, migrate runs as DATABASE_URL's role,
as in development. Either way one process migrates at a time: a PostgreSQL advisory lock,
so web containers starting together wait, then find nothing to do.
"""

from typing import Any

from django.core.management.commands.migrate import Command as DjangoMigrateCommand
from django.db import connections, transaction

from rgis.db import app_role_ensure, app_role_grant, connected_as_owner

MIGRATE_LOCK_SQL = "SELECT pg_advisory_lock(hashtext('e-rgis migrate'))"
MIGRATE_UNLOCK_SQL = "SELECT pg_advisory_unlock(hashtext('e-rgis migrate'))"


class Command(DjangoMigrateCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        database = options["database"]
        app_role = connections[database].settings_dict["USER"]
        app_password = connections[database].settings_dict["PASSWORD"]
        with connected_as_owner(database) as switched:
            connection = connections[database]
            # One role for both (development): nothing to grant.
            as_owner = switched and connection.settings_dict["USER"] != app_role
            with connection.cursor() as cursor:
                cursor.execute(MIGRATE_LOCK_SQL)
            try:
                if as_owner and app_role and app_password:
                    with transaction.atomic(using=database), connection.cursor() as cursor:
                        if app_role_ensure(cursor, app_role, app_password):
                            self.stdout.write(f"Created the database role {app_role}.")
                super().handle(*args, **options)
                if as_owner and not options.get("plan") and not options.get("check_unapplied"):
                    with transaction.atomic(using=database), connection.cursor() as cursor:
                        app_role_grant(cursor, app_role)
                    if options["verbosity"]:
                        self.stdout.write(f"Granted {app_role} row rights on every table.")
            finally:
                if connection.connection is not None:
                    with connection.cursor() as cursor:
                        cursor.execute(MIGRATE_UNLOCK_SQL)
