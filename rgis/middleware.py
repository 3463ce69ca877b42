import re
from collections.abc import Callable
from typing import TypeVar
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.middleware import locale
from django.template.loader import render_to_string
from django.utils.cache import cc_delim_re
from django.utils.translation import gettext as _

MEGABYTE = 1024 * 1024


class UploadSizeLimitMiddleware:
    """Refuse a request body over its path's limit before anything reads it.

    Planners' imports (RGIS_LARGE_UPLOAD_PATHS) may send RGIS_MAX_UPLOAD_MB; everything
    else, the public appeal form and Open311 among it, RGIS_MAX_REQUEST_MB: an anonymous
    visitor must not make the server take in 200 MB at a time.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.large_paths = [re.compile(pattern) for pattern in settings.RGIS_LARGE_UPLOAD_PATHS]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        large = any(pattern.match(request.path) for pattern in self.large_paths)
        limit = settings.RGIS_MAX_UPLOAD_MB if large else settings.RGIS_MAX_REQUEST_MB
        if size > limit * MEGABYTE:
            if large:
                message = _(
                    "This upload is %(size)s MB; the portal accepts up to %(limit)s MB. "
                    "Split the data into smaller files, or compress it into a zip, and try "
                    "again."
                ) % {"size": f"{size / MEGABYTE:.0f}", "limit": limit}
            else:
                message = _(
                    "What you sent is %(size)s MB; this page accepts up to %(limit)s MB in all. "
                    "Attach smaller photos (a phone's usual photos are a few MB), or fewer, "
                    "and send again."
                ) % {"size": f"{size / MEGABYTE:.0f}", "limit": limit}
            return self.refuse(request, message)
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest, message: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"error": message}, status=413)
        if request.path.startswith("/open311/"):
            # GeoReport v2's error format, which partner apps already read.
            if request.path.endswith(".xml"):
                document = (
                    '<?xml version="1.0" encoding="utf-8"?>\n<errors><error><code>413</code>'
                    f"<description>{escape(message)}</description></error></errors>"
                )
                return HttpResponse(document, status=413, content_type="text/xml; charset=utf-8")
            return JsonResponse([{"code": 413, "description": message}], status=413, safe=False)
        page = render_to_string("rgis/refused.html", {"message": message}, request=request)
        return HttpResponse(page, status=413)


_LANGUAGE_INDEPENDENT = "rgis_language_independent"
ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)


def language_independent(response: ResponseT) -> ResponseT:
    """Mark a response whose bytes are the same in every language (a vector tile)."""
    setattr(response, _LANGUAGE_INDEPENDENT, True)
    return response


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's, except on responses marked `language_independent`.

    Django adds `Vary: Accept-Language` (and Content-Language) to every response of a URL
    without a language prefix. On a tile that makes proxies and browsers keep one copy per
    browser language of bytes that never depend on it.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().process_response(request, response)
        if getattr(response, _LANGUAGE_INDEPENDENT, False):
            vary = [
                field
                for field in cc_delim_re.split(response.get("Vary", ""))
                if field and field.lower() != "accept-language"
            ]
            if vary:
                response["Vary"] = ", ".join(vary)
            else:
                del response["Vary"]
            del response["Content-Language"]
        return response
