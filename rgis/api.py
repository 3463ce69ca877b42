"""JSON API plumbing shared by the apps: one place turns refusals into JSON errors."""

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _


class ApiError(Exception):
    """A refusal the client can act on; `message` is shown to the user as is."""

    status = 400

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


def api_view(
    *, capability: str | None = None, methods: tuple[str, ...] = ("GET",)
) -> Callable[[Callable[..., Any]], Callable[..., HttpResponse]]:
    """Wrap a view returning JSON-able data: method, sign-in and capability checks."""

    def decorate(view: Callable[..., Any]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise ApiError(_("This address does not accept that method."), status=405)
                if capability is not None:
                    if not request.user.is_authenticated:
                        raise ApiError(_("Sign in as staff to use this."), status=401)
                    if not request.user.has_perm(capability):
                        raise ApiError(_("Your role does not allow this."), status=403)
                result = view(request, *args, **kwargs)
            except ApiError as refusal:
                return JsonResponse({"error": refusal.message}, status=refusal.status)
            if isinstance(result, HttpResponse):
                return result
            return JsonResponse(result, json_dumps_params={"ensure_ascii": False})

        return wrapper

    return decorate
