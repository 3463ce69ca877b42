from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.middleware import locale
from django.template.loader import render_to_string
from django.utils.cache import cc_delim_re
from django.utils.translation import gettext as _

MEGABYTE = 1024 * 1024


class UploadSizeLimitMiddleware:
    """Refuse a request body over RGIS_MAX_UPLOAD_MB before anything reads it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        limit = settings.RGIS_MAX_UPLOAD_MB
        if size > limit * MEGABYTE:
            message = _(
                "This upload is %(size)s MB; the portal accepts up to %(limit)s MB. "
                "Split the data into smaller files, or compress it into a zip, and try again."
            ) % {"size": f"{size / MEGABYTE:.0f}", "limit": limit}
            if request.path.startswith("/api/"):
                return JsonResponse({"error": message}, status=413)
            page = render_to_string("rgis/refused.html", {"message": message}, request=request)
            return HttpResponse(page, status=413)
        return self.get_response(request)


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
