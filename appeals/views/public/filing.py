"""Filing an appeal on the portal, and its receipt (no sign-in).

Plain HTML forms that work without JavaScript (the map, "use my location", the address
suggestions and "is it one of these?" are added by appeals/js/filing.js).

Filing without JavaScript takes up to two extra steps, each a re-render of the same form
with what was typed: "which of these places?" when the address matched several, and
"is it one of these?" when open appeals of the category lie within 250 m. Browsers never
send a chosen file twice, so the second step asks to attach the photos again (keeping
unfiled uploads on the server for a step nobody may finish is worse).
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from appeals.errors import AppealRefusal
from appeals.forms.public import FilingForm, filing_key_new, filing_key_open
from appeals.models import Appeal
from appeals.photos import MAX_PHOTOS
from appeals.ratelimits import appeal_rate_message, appeal_rate_spend
from appeals.selectors.nearby import NEARBY_METRES, NearbyAppeal, appeals_nearby
from appeals.selectors.places import Place, district_places, place_search
from appeals.selectors.public import (
    active_categories,
    appeal_accepted_by_label,
    appeal_number_by_key,
    appeal_receipt_get,
)
from appeals.services.filing import appeal_file, idempotency_key_scoped
from rgis.personal import InvalidIIN


def _filing_page(
    request: HttpRequest,
    form: FilingForm,
    *,
    message: str = "",
    places: list[Place] | None = None,
    nearby: list[NearbyAppeal] | None = None,
    photos_dropped: int = 0,
    status: int = 200,
) -> HttpResponse:
    selected = form["category"].value() or ""
    return render(
        request,
        "appeals/public/new.html",
        {
            "form": form,
            "categories": active_categories.get(),
            "selected_category": selected,
            "message": message,
            "places": places or [],
            "nearby": nearby or [],
            "nearby_metres": NEARBY_METRES,
            "photos_dropped": photos_dropped,
            "max_photos": MAX_PHOTOS,
            "map_center": settings.RGIS_MAP_CENTER,
            "basemap_url": settings.RGIS_BASEMAP_URL,
            "basemap_attribution": settings.RGIS_BASEMAP_ATTRIBUTION,
        },
        status=status,
    )


def _with(form: FilingForm, **values: str) -> FilingForm:
    """The same form with some values replaced (a resolved pin, a step seen)."""
    data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict, typed as Mapping
    for name, value in values.items():
        data[name] = value
    rebound = FilingForm(data)
    rebound.is_valid()
    return rebound


@never_cache
@require_http_methods(["GET", "POST"])
def appeal_new(request: HttpRequest) -> HttpResponse:
    """The filing form (GET), and filing it (POST): one appeal per key, however often sent."""
    if request.method == "GET":
        initial = {"idempotency_key": filing_key_new(), "category": request.GET.get("category")}
        for name in ("lat", "lon"):
            initial[name] = request.GET.get(name, "")[:20]
        return _filing_page(request, FilingForm(initial=initial))
    if request.POST.get("website"):
        # A robot filled in the honeypot: it is told "received", and nothing is written.
        return render(request, "appeals/public/received.html")
    photos = request.FILES.getlist("photos")
    key = filing_key_open(request.POST.get("idempotency_key", "")[:200])
    if key is None:
        # Not a key this portal made (forged, or a form left open for over a day): what was
        # typed comes back with a fresh key, to be checked and sent again.
        typed = request.POST.copy()
        typed["idempotency_key"] = filing_key_new()
        expired = FilingForm(typed)
        expired.is_valid()
        message = _(
            "This form has expired: check what you typed and send it again. Attach the "
            "photos again too. (If the page still shows this, reload it.)"
        )
        return _filing_page(
            request, expired, message=message, photos_dropped=len(photos), status=400
        )
    done = appeal_number_by_key(idempotency_key_scoped(scope="web", key=key) or "")
    if done is not None:  # a retry or a double tap after it went through
        return HttpResponseRedirect(reverse("appeals:receipt", args=[done]), status=303)
    form = FilingForm(request.POST, request.FILES)
    if not form.is_valid():
        return _filing_page(request, form, photos_dropped=len(photos), status=400)
    if len(photos) > MAX_PHOTOS:
        message = _("Attach at most %(count)s photos.") % {"count": MAX_PHOTOS}
        return _filing_page(request, form, message=message, status=400)

    location = form.location()
    if location is None:
        places = place_search(form.cleaned_data["address"])
        if len(places) != 1:
            return _place_step(request, form, places, photos_dropped=len(photos))
        location = (places[0].lat, places[0].lon)  # one match: the pin goes there
    lat, lon = location
    category = form.cleaned_data["category"]
    if form.cleaned_data.get("nearby_shown") != "1":
        nearby = appeals_nearby(lat=lat, lon=lon, category=category)
        if nearby:
            shown = _with(form, lat=str(lat), lon=str(lon), place="", nearby_shown="1")
            return _filing_page(request, shown, nearby=nearby, photos_dropped=len(photos))

    retry_at = appeal_rate_spend(request, "file")
    if retry_at is not None:
        return _filing_page(request, form, message=appeal_rate_message(retry_at), status=429)
    data = form.cleaned_data
    try:
        appeal, _created = appeal_file(
            category=category,
            lat=lat,
            lon=lon,
            description=data["description"],
            applicant=form.applicant(),
            anonymous=bool(data["anonymous"]),
            address=data["address"],
            photos=photos,
            channel=Appeal.Channel.WEB,
            idempotency_key=key,
            idempotency_scope="web",
        )
    except (AppealRefusal, InvalidIIN) as refusal:
        text = str(refusal) if isinstance(refusal, AppealRefusal) else " ".join(refusal.messages)
        return _filing_page(request, form, message=text, photos_dropped=len(photos), status=400)
    return HttpResponseRedirect(reverse("appeals:receipt", args=[appeal.number]), status=303)


def _place_step(
    request: HttpRequest, form: FilingForm, places: list[Place], *, photos_dropped: int
) -> HttpResponse:
    """No pin and the address gave no single place: ask which one, or where it is."""
    address = form.cleaned_data["address"]
    if not address:
        message = _(
            "Show where it is: put the pin on the map, write the address, or give the coordinates."
        )
        return _filing_page(request, form, message=message, status=400)
    if places:
        message = _("Several places match the address. Pick yours, then send again.")
        return _filing_page(
            request, form, message=message, places=places, photos_dropped=photos_dropped
        )
    places = district_places()
    if places:
        message = _(
            "We did not find “%(address)s” among the city's addresses. Pick the district at "
            "least: the pin goes to its middle and the address you wrote is kept."
        ) % {"address": address}
        return _filing_page(
            request, form, message=message, places=places, photos_dropped=photos_dropped
        )
    message = _(
        "We did not find “%(address)s” among the city's addresses. Give the coordinates "
        "(from a map app: latitude and longitude) or put the pin on the map."
    ) % {"address": address}
    return _filing_page(request, form, message=message, status=400)


@never_cache
@require_GET
def appeal_receipt(request: HttpRequest, number: str) -> HttpResponse:
    """The receipt (талон, АППК art. 64): number, when, who accepted, the due date."""
    appeal = appeal_receipt_get(number)
    if appeal is None:
        raise Http404("No such appeal")
    return render(
        request,
        "appeals/public/receipt.html",
        {
            "appeal": appeal,
            "accepted_by": appeal_accepted_by_label(appeal),
            "link": request.build_absolute_uri(reverse("appeals:detail", args=[number])),
        },
    )
