"""GET /api/queues/applications/<number>: a resident's place in line, for apps and widgets.

Public and without sign-in: an application number reveals no person (the public ledger
lists them all); the answer carries no personal data.
"""

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from queues.errors import ApplicationNotFound
from queues.ledger import timestamp_text
from queues.selectors.positions import application_standing
from rgis.api import api_view

CACHE_SECONDS = 60


@api_view()
def application_position_api(request: HttpRequest, number: str) -> JsonResponse:
    """Status, position and how many wait ahead of one application."""
    standing = application_standing(number.strip())
    if standing is None:
        raise ApplicationNotFound(
            _("No application numbered “%(number)s”. Check the number on your receipt.")
            % {"number": number.strip()[:40]}
        )
    response = JsonResponse(
        {
            "number": standing.number,
            "queue": standing.queue_slug,
            "queue_name": standing.queue_name,
            "filed_at": timestamp_text(standing.filed_at),
            "status": standing.status,
            "status_label": standing.status_label,
            "ahead": standing.ahead,
            "position": standing.position,
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response
