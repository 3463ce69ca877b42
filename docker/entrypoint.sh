#!/bin/sh
# Entrypoint of the e-RGIS image.
#
#   gunicorn ...   (the default CMD) first:
#                  1. copies the image's static files into $RGIS_STATIC_EXPORT_DIR, if set
#                     (the volume the proxy serves /static/ from; files of older images
#                     stay, for pages still open that name them);
#                  2. applies migrations unless RGIS_MIGRATE=0, one container at a time
#                     (a PostgreSQL advisory lock), so several web containers may start
#                     together;
#                  then runs gunicorn.
#   anything else  runs as given, e.g. `python manage.py db_worker --queue-name '*'`.
set -eu

if [ "${1:-}" = "gunicorn" ]; then
    if [ -n "${RGIS_STATIC_EXPORT_DIR:-}" ]; then
        if [ -w "$RGIS_STATIC_EXPORT_DIR" ]; then
            echo "entrypoint: copying static files to $RGIS_STATIC_EXPORT_DIR"
            # flock: web containers starting together would trip over each other's copies.
            flock "$RGIS_STATIC_EXPORT_DIR/.copy.lock" \
                cp -R --preserve=mode,timestamps "${STATIC_ROOT:-/app/var/static}"/. \
                "$RGIS_STATIC_EXPORT_DIR"/
        else
            echo "entrypoint: $RGIS_STATIC_EXPORT_DIR is not writable; static files come from the app"
        fi
    fi
    if [ "${RGIS_MIGRATE:-1}" = "1" ]; then
        echo "entrypoint: applying migrations"
        python - <<'PY'
import django

django.setup()
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

# Held until this process exits: a second container waits here, then finds nothing to do.
with connection.cursor() as cursor:
    cursor.execute("SELECT pg_advisory_lock(hashtext('e-rgis migrate'))")
call_command("migrate", interactive=False, verbosity=1)
PY
    fi
fi

exec "$@"
