"""One appeal's public page: status, history, the answer; never who filed it."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from appeals.deadlines import appeal_due_state
from appeals.forms.public import FollowForm
from appeals.layers import LAYER_KEY, STATUS_COLOURS
from appeals.selectors.public import appeal_hidden_photo_reasons, appeal_public_get


@require_GET
def appeal_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One appeal: status, history, the answer; never who filed it."""
    appeal = appeal_public_get(number)
    if appeal is None:
        raise Http404("No such appeal")
    photos = appeal.public_photos  # type: ignore[attr-defined]  # prefetched by the selector
    return render(
        request,
        "appeals/public/detail.html",
        {
            "appeal": appeal,
            "filer_photos": [p for p in photos if p.source == p.Source.FILER],
            "answer_photos": [p for p in photos if p.source == p.Source.ANSWER],
            "hidden_photo_reasons": appeal_hidden_photo_reasons(appeal),
            "history": appeal.history,  # type: ignore[attr-defined]  # prefetched likewise
            "due_state": appeal_due_state(appeal, timezone.localdate()),
            "colour": STATUS_COLOURS.get(appeal.status, "#555"),
            "map_link": f"{reverse('home')}#map=17/{appeal.location.y:.5f}/"
            f"{appeal.location.x:.5f}&layers={LAYER_KEY}",
            "basemap_url": settings.RGIS_BASEMAP_URL,
            "basemap_attribution": settings.RGIS_BASEMAP_ATTRIBUTION,
            "follow_form": FollowForm(),
        },
    )
