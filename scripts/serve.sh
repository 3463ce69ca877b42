#!/usr/bin/env bash
# Serve the portal on http://127.0.0.1:8000 with a background worker beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

.venv/bin/python manage.py db_worker --queue-name '*' &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
say "Worker started (pid $worker); portal at http://127.0.0.1:${PORT:-8000}/ (Ctrl-C stops both)"
.venv/bin/python manage.py runserver "127.0.0.1:${PORT:-8000}"
