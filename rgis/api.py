"""JSON API plumbing shared by the apps: one place turns refusals into JSON errors."""

import base64
import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from rgis.errors import Refusal
from rgis.security import sign_in_refusal_message, sign_in_wait_minutes

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ApiError(Refusal):
    """A refusal of the API itself (method, sign-in, role, parameters)."""


class SignInThrottled(ApiError):
    """Too many failed sign-ins for this user name or address: try again in `minutes`."""

    status = 429

    def __init__(self, message: str, *, minutes: int) -> None:
        super().__init__(message)
        self.minutes = minutes


def _basic_auth_user(request: HttpRequest) -> bool:
    """Sign in a script that sent HTTP Basic credentials (over HTTPS in production).

    Throttled per user name and client address before the password is hashed; failures
    are counted (and recorded once past the limit) through Django's user_login_failed.
    """
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Basic "):
        return False
    try:
        username, _sep, password = base64.b64decode(header[6:]).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(_("The Authorization header is malformed."), status=401) from None
    wait = sign_in_wait_minutes(request, username)
    if wait:
        raise SignInThrottled(sign_in_refusal_message(wait), minutes=wait)
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise ApiError(_("Wrong user name or password."), status=401)
    request.user = user
    return True


def _no_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def _csrf_refused(request: HttpRequest) -> bool:
    # Browsers sign in with the session cookie: such writes need the CSRF token, as forms do.
    check = CsrfViewMiddleware(lambda _request: HttpResponse())
    return check.process_view(request, _no_view, (), {}) is not None


def api_view(
    *, capability: str | None = None, methods: tuple[str, ...] = ("GET",)
) -> Callable[[Callable[..., Any]], Callable[..., HttpResponseBase]]:
    """Wrap a view returning JSON-able data: method, sign-in and capability checks.

    Only views declared with a capability read HTTP Basic credentials: on public ones the
    header is ignored, so it costs no password hashing and writes nothing.
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., HttpResponseBase]:
        @csrf_exempt  # checked below for session sign-ins; Basic auth carries no cookie
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                if request.method not in methods:
                    raise ApiError(_("This address does not accept that method."), status=405)
                basic = capability is not None and _basic_auth_user(request)
                if not basic and request.method not in SAFE_METHODS and _csrf_refused(request):
                    raise ApiError(
                        _("The page expired (no CSRF token). Reload it and try again."),
                        status=403,
                    )
                if capability is not None:
                    if not request.user.is_authenticated:
                        raise ApiError(_("Sign in as staff to use this."), status=401)
                    if not request.user.has_perm(capability):
                        raise ApiError(_("Your role does not allow this."), status=403)
                result = view(request, *args, **kwargs)
            except Refusal as refusal:
                refused = JsonResponse({"error": str(refusal.message)}, status=refusal.status)
                if isinstance(refusal, SignInThrottled):
                    refused["Retry-After"] = str(refusal.minutes * 60)
                return refused
            if isinstance(result, HttpResponseBase):  # streamed and file responses too
                response = result
            else:
                response = JsonResponse(result, json_dumps_params={"ensure_ascii": False})
            if capability is not None:
                # Staff data (also to scripts signing in with Basic): never kept in a cache.
                patch_cache_control(response, no_store=True, private=True)
            return response

        return wrapper

    return decorate
