"""Platform security: sign-in throttling, CSP, staff sessions, no-store, /admin/ networks.

Sign-in throttling counts *failed* sign-ins per user name and per client address in the
shared counts of rgis.ratelimit (every process, every door sees the same counts); a door
asks `sign_in_wait_minutes` before it hashes any password and refuses with 429 while
either count is at its limit. The counting itself happens on Django's
`user_login_failed` signal (staff.receivers), which every door's authenticate() sends.
"""

import hashlib
import ipaddress
import math
import re
import secrets
from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import ngettext

from rgis.models import RateCount
from rgis.ratelimit import client_address, client_id, rate_count

# --- Sign-in throttling ---------------------------------------------------------------


def _user_key(username: str) -> str:
    # Hashed: a user name typed by an attacker (or a password typed in the wrong box) is
    # never stored as it is.
    digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]
    return f"signin:user:{digest}"


def _address_key(request: HttpRequest) -> str:
    return f"signin:address:{client_id(request)}"


def _sign_in_keys(request: HttpRequest | None, username: str) -> list[tuple[str, int]]:
    """The counts that limit this sign-in, each with its limit."""
    keys = [(_user_key(username), settings.RGIS_SIGNIN_USER_LIMIT)]
    if request is not None:
        keys.append((_address_key(request), settings.RGIS_SIGNIN_ADDRESS_LIMIT))
    return keys


def sign_in_wait_minutes(request: HttpRequest, username: str) -> int:
    """Minutes until this client may try to sign in as `username` again; 0: it may now.

    One indexed read of at most two rows, before any password is hashed.
    """
    limits = dict(_sign_in_keys(request, username))
    now = timezone.now()
    waits = [
        math.ceil((expires_at - now).total_seconds() / 60)
        for key, count, expires_at in RateCount.objects.filter(
            key__in=limits, expires_at__gt=now
        ).values_list("key", "count", "expires_at")
        if count >= limits[key]
    ]
    return max(waits, default=0)


def sign_in_throttled_wait(request: HttpRequest) -> int:
    """Minutes this sign-in form post must wait (0: it may try), before any hashing."""
    if request.method != "POST":
        return 0
    return sign_in_wait_minutes(request, request.POST.get("username", "")[:150])


def sign_in_refusal_message(minutes: int) -> str:
    """What a throttled person reads, in the active language."""
    return ngettext(
        "Too many sign-in attempts; try again in %(minutes)d minute.",
        "Too many sign-in attempts; try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def sign_in_failure_count(request: HttpRequest | None, username: str) -> list[tuple[str, int]]:
    """Count one failed sign-in; the counts that have just reached their limit, as
    (which, count) with which "user" or "address", so the caller records each crossing once."""
    window = settings.RGIS_SIGNIN_WINDOW_MINUTES * 60
    crossed = []
    for key, limit in _sign_in_keys(request, username):
        count = rate_count(key, window)
        if count == limit:
            crossed.append(("user" if key.startswith("signin:user:") else "address", count))
    return crossed


# --- The client's address -------------------------------------------------------------


@cache
def _admin_networks(
    spec: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def admin_reachable_from(request: HttpRequest) -> bool:
    """Whether RGIS_ADMIN_NETWORKS lets this client see /admin/ (empty: from anywhere)."""
    spec = tuple(settings.RGIS_ADMIN_NETWORKS)
    if not spec:
        return True
    address = client_address(request)
    if address is None:
        return False
    return any(address in network for network in _admin_networks(spec))


# --- Content-Security-Policy ----------------------------------------------------------


def _basemap_origin(url: str) -> str:
    """The scheme and host of an XYZ URL template, `{s}` subdomains as a wildcard."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return ""
    host = parts.netloc.replace("{s}", "*")
    if "{" in host:  # another placeholder in the host: allow its parent domain's hosts
        host = "*." + host.split(".", 1)[-1]
    return f"{parts.scheme}://{host}"


def content_security_policy(nonce: str) -> str:
    """The policy of an HTML page whose inline scripts carry `nonce`."""
    images = ["'self'", "data:", "blob:"]
    basemap = _basemap_origin(settings.RGIS_BASEMAP_URL)
    if basemap:
        images.append(basemap)
    directives = [
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        # Stylesheets from the portal and the page's own <style nonce=...>; style=""
        # attributes (SVG charts, swatches) stay allowed: they cannot run code, and what
        # they could load is held to img-src.
        f"style-src 'self' 'nonce-{nonce}'",
        "style-src-attr 'unsafe-inline'",
        "img-src " + " ".join(images),
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
    return "; ".join(directives)


# /<language>/staff/... and /<language>/admin/..., and the staff API.
_STAFF_AREA = re.compile(r"^/(?:[a-z]{2}(?:-[a-z]+)?/(?:staff|admin)/|api/staff/)")


def _is_html(response: HttpResponseBase) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


# When the session's expiry was last pushed forward (seconds since the epoch).
SESSION_SEEN = "_rgis_seen"


def staff_session_renew(request: HttpRequest) -> None:
    """A staff session ends RGIS_STAFF_SESSION_HOURS after the last request: its expiry is
    pushed forward at sign-in and then at most once a minute (one session write a minute)."""
    request.session[SESSION_SEEN] = int(timezone.now().timestamp())
    request.session.set_expiry(settings.RGIS_STAFF_SESSION_HOURS * 3600)


class SecurityHeadersMiddleware:
    """CSP with a per-request nonce on HTML, short staff sessions, no-store for staff,
    and /admin/ only from RGIS_ADMIN_NETWORKS. Placed after AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # Templates write nonce="{{ request.csp_nonce }}" on their inline scripts and styles.
        # An attribute of our own on the request: HttpRequest does not declare it.
        request.csp_nonce = secrets.token_urlsafe(18)  # type: ignore[attr-defined]  # see above
        signed_in = self._signed_in(request)
        if signed_in:
            self._session_keep_alive(request)
        response = self.get_response(request)
        # DEBUG's own error pages are inline scripts and styles: no policy on them.
        debug_page = settings.DEBUG and response.status_code >= 400
        if _is_html(response) and "Content-Security-Policy" not in response and not debug_page:
            response["Content-Security-Policy"] = content_security_policy(
                request.csp_nonce  # type: ignore[attr-defined]  # set above
            )
        if signed_in or self._is_staff_area(request):
            # Staff pages show IINs and names: no browser or proxy may keep a copy.
            if "Cache-Control" in response:
                del response["Cache-Control"]
            patch_cache_control(response, no_store=True, private=True)
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        match = request.resolver_match
        if match is not None and "admin" in match.namespaces and not admin_reachable_from(request):
            raise Http404

    @staticmethod
    def _signed_in(request: HttpRequest) -> bool:
        # Without the session cookie nobody is signed in: asking request.user would only
        # add "Vary: Cookie" to public answers that proxies cache.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return False
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)

    @staticmethod
    def _is_staff_area(request: HttpRequest) -> bool:
        return bool(_STAFF_AREA.match(request.path_info))

    @staticmethod
    def _session_keep_alive(request: HttpRequest) -> None:
        if int(timezone.now().timestamp()) - int(request.session.get(SESSION_SEEN, 0)) >= 60:
            staff_session_renew(request)
