"""Public pages of the parcel registry: search and the parcel page (no JavaScript needed
but for the map)."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from geodata.lookups import LookupTimedOut, WhatsHere, whats_here
from parcels.maps import parcel_map_render
from parcels.models import Parcel
from parcels.selectors import parcel_public_get, parcel_search

PAGE_SIZE = 25


@require_GET
def parcel_search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    too_short = 0 < len(query) < 2
    page = None
    if query and not too_short:
        paginator = Paginator(parcel_search(query), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "parcels/search.html",
        {"query": query, "too_short": too_short, "page": page},
    )


@require_GET
def parcel_page(request: HttpRequest, cadastral_number: str) -> HttpResponse:
    try:
        parcel = parcel_public_get(cadastral_number)
    except Parcel.DoesNotExist:
        raise Http404(_("No parcel with this cadastral number.")) from None
    here: WhatsHere | None = None
    lookup_failed = False
    inside = parcel.inside  # type: ignore[attr-defined]  # parcel_public_get's annotation
    try:
        here = whats_here(lat=inside.y, lon=inside.x)
    except LookupTimedOut:
        lookup_failed = True  # the page still shows the parcel itself
    return render(
        request,
        "parcels/detail.html",
        {
            "parcel": parcel,
            "here": here,
            "zone_attributes": list(here.zone.attributes.items())[:6] if here and here.zone else [],
            "lookup_failed": lookup_failed,
            "map": parcel_map_render(parcel),
        },
    )
