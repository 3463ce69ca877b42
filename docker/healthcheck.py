"""Docker HEALTHCHECK: exit 0 when GET /healthz on this container's gunicorn says ok.

/healthz runs a database query. The request names a host from ALLOWED_HOSTS and says it
came over HTTPS, as the proxy would, so neither ALLOWED_HOSTS nor SECURE_SSL_REDIRECT
turns it away.
"""

import json
import os
import sys
import urllib.request

host = (os.environ.get("ALLOWED_HOSTS") or "localhost").split(",")[0].strip().lstrip(".")
if host in ("", "*"):
    host = "localhost"
request = urllib.request.Request(
    f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz",
    headers={"Host": host, "X-Forwarded-Proto": "https"},
)
try:
    with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 (fixed URL)
        status = json.load(response).get("status")
except Exception as error:  # any failure means unhealthy
    sys.exit(f"unhealthy: {error}")
if status != "ok":
    sys.exit(f"unhealthy: status {status!r}")
