from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
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
