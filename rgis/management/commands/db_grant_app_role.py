"""Give the app's database role the rights it needs on tables the owner role owns."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections, transaction

from rgis.db import app_role_ensure, app_role_grant, connected_as_owner


class Command(BaseCommand):
    help = (
        "Grant the app role (DATABASE_URL's user, or ROLE) row rights on every table, "
        "connected as DATABASE_OWNER_URL's role. Run after every migrate (`migrate` does "
        "it itself when DATABASE_OWNER_URL is set)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", nargs="?", help="the app role (default: DATABASE_URL's)")
        parser.add_argument(
            "--create",
            action="store_true",
            help="create the role (LOGIN, DATABASE_URL's password) if it does not exist",
        )
        parser.add_argument(
            "--reassign",
            action="store_true",
            help="hand every object the role owns to the owner first (switching an "
            "installation where the app role owned the tables to two roles)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        app = dict(connections["default"].settings_dict)
        role = options["role"] or app["USER"]
        with connected_as_owner() as as_owner:
            connection = connections["default"]
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT current_user")
                owner = cursor.fetchone()[0]
                if role == owner:
                    raise CommandError(
                        f"The app role {role!r} is the role that owns the tables: set "
                        "DATABASE_OWNER_URL to the owner and DATABASE_URL to another role "
                        "(README, 'Two database roles')."
                    )
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
                found = cursor.fetchone()
                if found is None:
                    if not options["create"]:
                        raise CommandError(f"There is no database role {role!r} (use --create).")
                    if role != app["USER"] or not app["PASSWORD"]:
                        raise CommandError("--create needs the role and password of DATABASE_URL.")
                    app_role_ensure(cursor, role, app["PASSWORD"])
                    self.stdout.write(f"Created the database role {role}.")
                elif found[0]:
                    self.stderr.write(
                        f"Warning: {role} is a superuser and may do anything whatever is "
                        "granted; in production make it NOSUPERUSER."
                    )
                if options["reassign"]:
                    cursor.execute("SELECT quote_ident(%s), quote_ident(%s)", [role, owner])
                    role_sql, owner_sql = cursor.fetchone()
                    cursor.execute(f"REASSIGN OWNED BY {role_sql} TO {owner_sql}")
                app_role_grant(cursor, role)
        where = "as the owner role" if as_owner else "as DATABASE_URL's role"
        self.stdout.write(f"Granted {role} row rights on the tables of {owner} ({where}).")
