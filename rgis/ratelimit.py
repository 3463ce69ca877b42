"""Per-client counting for flood control (IIN look-ups, appeals), shared by every process.

Counts live in a table of the primary database (rgis.models.RateCount), so the limit holds
across gunicorn workers and web containers, unlike a per-process cache. One statement
counts (an upsert: one round trip, and exact under simultaneous requests, as the row lock
serialises them); expired counts are deleted now and then by each process.

Before, the counts were kept in Django's database cache, which costs five round trips per
count and, past 300 entries, culls a third of them by key order: counts still running were
deleted under load, the very moment a limit matters.
"""

import hashlib
import ipaddress
import threading
import time

from django.db import connection
from django.http import HttpRequest

# One count on the table of rgis.models.RateCount.
COUNT_SQL = """
INSERT INTO rgis_rate_count AS counted (key, count, expires_at)
VALUES (%(key)s, 1, now() + make_interval(secs => %(seconds)s))
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN counted.expires_at > now() THEN counted.count + 1 ELSE 1 END,
    expires_at = CASE WHEN counted.expires_at > now() THEN counted.expires_at
                      ELSE EXCLUDED.expires_at END
RETURNING count
"""
CULL_SQL = "DELETE FROM rgis_rate_count WHERE expires_at < now()"
CULL_EVERY_SECONDS = 60.0

_cull = {"last": time.monotonic()}
_cull_lock = threading.Lock()


def client_id(request: HttpRequest) -> str:
    """Who is asking: behind our proxy (a private or loopback address answers) the proxy's
    X-Real-IP, else the connection's address; hashed, never stored as it is."""
    address = request.META.get("REMOTE_ADDR", "")
    try:
        behind_proxy = ipaddress.ip_address(address).is_private
    except ValueError:
        behind_proxy = False
    if behind_proxy and request.META.get("HTTP_X_REAL_IP"):
        address = request.META["HTTP_X_REAL_IP"].strip()
    return hashlib.sha256(address.encode()).hexdigest()[:32]


def rate_count(key: str, window_seconds: int) -> int:
    """Count one more event under `key` for the window; the count so far, this one included."""
    with connection.cursor() as cursor:
        cursor.execute(COUNT_SQL, {"key": key, "seconds": window_seconds})
        count = cursor.fetchone()[0]
        if _cull_due():
            cursor.execute(CULL_SQL)
    return count


def _cull_due() -> bool:
    """True for one caller per process every CULL_EVERY_SECONDS."""
    now = time.monotonic()
    if now - _cull["last"] < CULL_EVERY_SECONDS:
        return False
    with _cull_lock:
        if now - _cull["last"] < CULL_EVERY_SECONDS:
            return False
        _cull["last"] = now
    return True
