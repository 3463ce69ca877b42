from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.utils import OperationalError


def describe_database() -> str:
    """host:port/name as user, never the password."""
    db = settings.DATABASES["default"]
    return (
        f"PostgreSQL database '{db.get('NAME')}' on {db.get('HOST') or 'local socket'}:"
        f"{db.get('PORT') or 5432} as user '{db.get('USER')}'"
    )


class Command(BaseCommand):
    help = "Say whether the database answers and has PostGIS, in words rather than a traceback."

    def handle(self, *args: object, **options: object) -> None:
        target = describe_database()
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'postgis'")
                row = cursor.fetchone()
        except OperationalError as error:
            reason = str(error).strip().splitlines()[0] if str(error).strip() else "no answer"
            raise CommandError(
                f"Cannot reach the {target}: {reason}\n"
                "What to do: start PostgreSQL (`make db` sets up a local one), or set "
                "DATABASE_URL to a reachable server, e.g. "
                "postgis://USER:PASSWORD@HOST:5432/NAME"
            ) from None
        if row is None:
            raise CommandError(
                f"The {target} answers but has no PostGIS. Run `CREATE EXTENSION postgis;` in "
                "it as a superuser, or let `make db` do it."
            )
        self.stdout.write(f"Database ready: {target}, PostGIS {row[0]}.")
