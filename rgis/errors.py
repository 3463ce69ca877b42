"""The family of refusals: errors whose message the user can act on, in their language.

Views and APIs turn a Refusal into an HTML message or a JSON error in one place
(rgis.api.api_view for JSON); anything else is an internal error and its text never
reaches a client.
"""

import logging
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from rgis.db import statement_timed_out

logger = logging.getLogger(__name__)


class Refusal(Exception):
    status = 400

    def __init__(self, message: str | Promise, *, status: int | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return str(self.message)


def refusal_from(error: ValidationError) -> Refusal:
    """A model's validation errors as one refusal: "field: message; field: message"."""
    if hasattr(error, "message_dict"):
        parts = [
            f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in error.message_dict.items()
        ]
    else:
        parts = list(error.messages)
    return Refusal("; ".join(parts))


class StatementTimeoutMiddleware:
    """A request whose database statement ran past its timeout answers 503, not 500.

    PostgreSQL cancels the statement (rgis/db.py sets the limit); the visitor is told the
    portal is busy and to try again, in their language, and the proxy and API clients see
    `Retry-After`. Any other error goes on to Django's 500 handling.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponseBase | None:
        if not isinstance(exception, DatabaseError) or not statement_timed_out(exception):
            return None
        logger.warning("Statement timeout on %s %s", request.method, request.path)
        message = _(
            "The portal is too busy to answer this request in time. "
            "Please try again in a minute; if it keeps happening, narrow your search."
        )
        response: HttpResponseBase
        if request.path.startswith(("/api/", "/ogc/", "/open311/")):
            response = JsonResponse({"error": str(message)}, status=503)
        else:
            page = render_to_string("rgis/busy.html", {"message": message}, request=request)
            response = HttpResponse(page, status=503)
        response["Retry-After"] = "60"
        response["Cache-Control"] = "no-store"
        return response
