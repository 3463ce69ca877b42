"""Per-client counting for flood control (IIN look-ups, appeals), shared by every process.

Counts live in the "shared" cache: a database table in production (rgis/settings/base.py),
so the limit holds across gunicorn workers and web containers, unlike a per-process cache.
The count is approximate under a burst of simultaneous requests (the database cache's incr
is a read and a write), which is enough to stop a flood.
"""

import hashlib
import ipaddress

from django.core.cache import caches
from django.http import HttpRequest


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
    cache = caches["shared"]
    if cache.add(key, 1, timeout=window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return 1
