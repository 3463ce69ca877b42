"""The decorator every OGC view wears, and its JSON answer."""

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from geodata.ogc.protocol import CACHE_CONTROL, HTML, JSON, OgcRefusal


def ogc_endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET only, refusals as JSON errors, cacheable by proxies, readable from any origin."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            if request.method not in ("GET", "HEAD"):
                raise OgcRefusal(
                    "MethodNotAllowed", _("This API only answers GET requests."), status=405
                )
            response = view(request, *args, **kwargs)
        except OgcRefusal as refusal:
            response = JsonResponse(
                {"code": refusal.code, "description": str(refusal.message)},
                status=refusal.status,
                json_dumps_params={"ensure_ascii": False},
            )
            if refusal.status == 405:
                response["Allow"] = "GET, HEAD"
            if refusal.status == 503:
                response["Retry-After"] = "5"
        else:
            response["Cache-Control"] = CACHE_CONTROL
        if not response.get("Content-Type", "").startswith(HTML):
            response["Access-Control-Allow-Origin"] = "*"
        patch_vary_headers(response, ["Accept"])
        return response

    return wrapper


def ogc_json(document: dict[str, Any], media_type: str = JSON) -> JsonResponse:
    """A document as JSON of the given media type, non-ASCII letters as they are."""
    return JsonResponse(
        document, content_type=media_type, json_dumps_params={"ensure_ascii": False}
    )
