"""GET /api/queues/applications/<number>: a resident's place in line, for apps and widgets.

Public and without sign-in: an application number reveals no person (the public ledger
lists them all); the answer carries no personal data.
"""

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from queues.errors import ApplicationNotFound
from queues.ledger import timestamp_text
from queues.models import Application
from queues.selectors import applications_ahead
from rgis.api import api_view

CACHE_SECONDS = 60


@api_view()
def application_position_api(request: HttpRequest, number: str) -> JsonResponse:
    """Status, position and how many wait ahead of one application."""
    application = (
        Application.objects.select_related("queue__settlement", "queue__purpose")
        .only(
            "number",
            "filed_at",
            "status",
            "queue__slug",
            "queue__settlement__name_kk",
            "queue__settlement__name_ru",
            "queue__settlement__name_en",
            "queue__purpose__name_kk",
            "queue__purpose__name_ru",
            "queue__purpose__name_en",
        )
        .filter(number=number.strip())
        .first()
    )
    if application is None:
        raise ApplicationNotFound(
            _("No application numbered “%(number)s”. Check the number on your receipt.")
            % {"number": number.strip()[:40]}
        )
    waiting = application.status == Application.Status.WAITING
    ahead = applications_ahead(application) if waiting else None
    response = JsonResponse(
        {
            "number": application.number,
            "queue": application.queue.slug,
            "queue_name": application.queue.name,
            "filed_at": timestamp_text(application.filed_at),
            "status": application.status,
            "status_label": application.get_status_display(),
            "ahead": ahead,
            "position": None if ahead is None else ahead + 1,
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response
