#!/bin/sh
# Entrypoint of the e-RGIS image.
#
#   gunicorn ...   (the default CMD) first:
#                  1. copies the image's static files into $RGIS_STATIC_EXPORT_DIR, if set
#                     (the volume the proxy serves /static/ from; files of older images
#                     stay, for pages still open that name them);
#                  2. applies migrations unless RGIS_MIGRATE=0, one container at a time
#                     (a PostgreSQL advisory lock), so several web containers may start
#                     together; as DATABASE_OWNER_URL's role when set, then grants the app
#                     role of DATABASE_URL row rights only;
#                  then runs gunicorn without DATABASE_OWNER_URL in its environment.
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
        # `migrate` takes the advisory lock itself; with DATABASE_OWNER_URL it connects as
        # the owner role, creates the app role of DATABASE_URL if missing and grants it
        # row rights only (rgis/management/commands/migrate.py).
        echo "entrypoint: applying migrations"
        python manage.py migrate --no-input
    fi
    # The serving processes never hold the owner's password.
    unset DATABASE_OWNER_URL
fi

exec "$@"
