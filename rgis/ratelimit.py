"""Per-client counting for flood control (IIN look-ups, appeals), shared by every process.

Counts live in a table of the primary database (rgis.models.RateCount), so the limit holds
across gunicorn workers and web containers, unlike a per-process cache. One statement
counts (an upsert: one round trip, and exact under simultaneous requests, as the row lock
serialises them); expired counts are deleted now and then by each process.

Before, the counts were kept in Django's database cache, which costs five round trips per
count and, past 300 entries, culls a third of them by key order: counts still running were
deleted under load, the very moment a limit matters.
"""

import datetime
import functools
import hashlib
import ipaddress
import re
import threading
import time

from django.conf import settings
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
    """Who is asking, hashed (never stored as it is): an IPv4 address, or an IPv6 network of
    RGIS_RATE_IPV6_PREFIX bits (one subscriber's /64 holds billions of addresses).

    The address is the connection's, unless that is one of RGIS_TRUSTED_PROXIES: then
    X-Forwarded-For is read from the right, over every trusted proxy, to the first address
    no trusted proxy is; what a client wrote further left is never believed.
    """
    address = client_address(request)
    if address is None:
        return hashlib.sha256(b"unknown").hexdigest()[:32]
    if address.version == 6:
        prefix = int(settings.RGIS_RATE_IPV6_PREFIX)
        bucket = str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
    else:
        bucket = str(address)
    return hashlib.sha256(bucket.encode()).hexdigest()[:32]


Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _address_parse(text: str) -> Address | None:
    """An address as proxies write it: "192.0.2.7", "2001:db8::7", "[2001:db8::7]:443",
    "192.0.2.7:51234"; an IPv4-mapped IPv6 address is its IPv4 one."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@functools.cache
def _networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(
        ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip()
    )


def _trusted(address: Address) -> bool:
    entries = tuple(settings.RGIS_TRUSTED_PROXIES)
    return any(address in network for network in _networks(entries))


def client_address(request: HttpRequest) -> Address | None:
    """The client's address in clear (for network checks; never store or log it)."""
    address = _address_parse(request.META.get("REMOTE_ADDR", ""))
    if address is None or not _trusted(address):
        return address
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not forwarded:
        # A proxy that sends only X-Real-IP (the address it was reached from).
        real = _address_parse(request.META.get("HTTP_X_REAL_IP", ""))
        return real if real is not None else address
    # Each trusted hop appended the address it was reached from: walk back over them.
    for hop in reversed(forwarded.split(",")):
        previous = _address_parse(hop)
        if previous is None:  # no trusted proxy writes that: the last trusted hop it is
            return address
        address = previous
        if not _trusted(address):
            return address
    return address  # every hop is ours: the first one is the client


def rate_count(key: str, window_seconds: int) -> int:
    """Count one more event under `key` for the window; the count so far, this one included."""
    with connection.cursor() as cursor:
        cursor.execute(COUNT_SQL, {"key": key, "seconds": window_seconds})
        count = cursor.fetchone()[0]
        if _cull_due():
            cursor.execute(CULL_SQL)
    return count


_RATE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def rate_parse(text: str) -> tuple[int, int]:
    """(events, seconds) of a rate written like "5/10m" (five in ten minutes) or "60/1h"."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*", text)
    if match is None:
        raise ValueError(f"A rate looks like 5/10m, not {text!r}")
    count, size, unit = match.groups()
    return int(count), int(size or 1) * _RATE_UNITS[unit]


def rate_spend(key: str, rate: str) -> datetime.datetime | None:
    """Count one event under `key` against a rate ("5/10m", fixed windows); None while
    within it, else the moment the next window starts."""
    limit, window = rate_parse(rate)
    slot = int(time.time() // window)
    if rate_count(f"{key}:{slot}", window + 5) <= limit:
        return None
    return datetime.datetime.fromtimestamp((slot + 1) * window, tz=datetime.UTC)


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
