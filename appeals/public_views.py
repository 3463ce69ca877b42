"""The residents' side of the appeals: file, get the receipt, follow, and watch the akimat.

No sign-in; plain HTML forms that work without JavaScript (the map, "use my location",
the address suggestions and "is it one of these?" are added by appeals/js/filing.js).

Filing without JavaScript takes up to two extra steps, each a re-render of the same form
with what was typed: "which of these places?" when the address matched several, and
"is it one of these?" when open appeals of the category lie within 250 m. Browsers never
send a chosen file twice, so the second step asks to attach the photos again (keeping
unfiled uploads on the server for a step nobody may finish is worse).
"""

import csv
import datetime
import time
from collections.abc import Iterator

from django.conf import settings
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from appeals import dashboard as dashboards
from appeals.errors import AppealRefusal
from appeals.map_api import LAYER_KEY, STATUS_COLOURS
from appeals.models import Appeal
from appeals.nearby import NEARBY_METRES, appeals_nearby
from appeals.photos import MAX_PHOTOS
from appeals.places import Place, district_places, place_search
from appeals.public_forms import (
    AppealFilterForm,
    FilingForm,
    FollowForm,
    JournalFilterForm,
    filing_key_new,
    filing_key_open,
)
from appeals.public_selectors import (
    AppealFilters,
    active_categories,
    appeal_hidden_photo_reasons,
    appeal_number_by_key,
    appeal_public_get,
    appeal_receipt_get,
    appeals_public_filtered,
    appeals_with_timeliness,
    follower_by_token,
    journal_count,
    journal_rows,
)
from appeals.services.filing import Applicant, appeal_file, idempotency_key_scoped
from appeals.services.following import appeal_follow, follower_confirm, follower_stop
from rgis.personal import InvalidIIN
from rgis.ratelimit import client_id, rate_parse, rate_spend
from staff.roles import role_titles

LIST_PAGE_SIZE = 25
JOURNAL_PAGE_SIZE = 100


# ------------------------------------------------------------------------ rate limiting


def filing_rate() -> tuple[int, int]:
    """(appeals, seconds) from RGIS_APPEALS_RATE, e.g. "5/10m": five in ten minutes."""
    return rate_parse(str(settings.RGIS_APPEALS_RATE))


def _rate_spend(request: HttpRequest, action: str) -> datetime.datetime | None:
    """Count one filing (or follow) of this client; the moment it may try again if over."""
    rate = str(settings.RGIS_APPEALS_RATE)
    return rate_spend(f"appeals:rate:{action}:{client_id(request)}", rate)


def _rate_message(retry_at: datetime.datetime) -> str:
    minutes = max(1, round((retry_at.timestamp() - time.time()) / 60))
    limit, window = filing_rate()
    return ngettext(
        "Too many appeals from your connection just now (at most %(limit)s in a row). "
        "Try again after %(time)s (in %(minutes)s minute). Nothing you typed is lost: "
        "this page keeps it.",
        "Too many appeals from your connection just now (at most %(limit)s in a row). "
        "Try again after %(time)s (in %(minutes)s minutes). Nothing you typed is lost: "
        "this page keeps it.",
        minutes,
    ) % {
        "limit": limit,
        "time": timezone.localtime(retry_at).strftime("%H:%M"),
        "minutes": minutes,
    }


# ------------------------------------------------------------------------------- filing


def _filing_page(
    request: HttpRequest,
    form: FilingForm,
    *,
    message: str = "",
    places: list[Place] | None = None,
    nearby: list | None = None,
    photos_dropped: int = 0,
    status: int = 200,
) -> HttpResponse:
    selected = form["category"].value() or ""
    response = render(
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
    return response


def _with(form: FilingForm, **values: str) -> FilingForm:
    """The same form with some values replaced (a resolved pin, a step seen)."""
    data = form.data.copy()  # type: ignore[attr-defined]
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

    retry_at = _rate_spend(request, "file")
    if retry_at is not None:
        return _filing_page(request, form, message=_rate_message(retry_at), status=429)
    data = form.cleaned_data
    anonymous = bool(data["anonymous"])
    try:
        appeal, _created = appeal_file(
            category=category,
            lat=lat,
            lon=lon,
            description=data["description"],
            applicant=Applicant()
            if anonymous
            else Applicant(
                full_name=data["full_name"],
                iin=data["iin"],
                email=data["email"],
                phone=data["phone"],
                postal_address=data["postal_address"],
            ),
            anonymous=anonymous,
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
            "accepted_by": accepted_by_label(appeal),
            "link": request.build_absolute_uri(reverse("appeals:detail", args=[number])),
        },
    )


def accepted_by_label(appeal: Appeal) -> str:
    """Who accepted the appeal, as the receipt says it: the portal, or the operator's role
    and first name (enough to be asked for at the front office; no full names published)."""
    user = appeal.accepted_by
    if user is None:
        return _("the e-RGIS portal (online)")
    titles = role_titles()
    roles = [titles[g] for g in user.groups.values_list("name", flat=True) if g in titles]
    role = roles[0] if roles else _("Operator")
    return f"{role} {user.first_name}".strip()


# ------------------------------------------------------------------------- following


@never_cache
@require_http_methods(["GET", "POST"])
def appeal_follow_page(request: HttpRequest, number: str) -> HttpResponse:
    """Follow an appeal by e-mail instead of filing the same problem again."""
    appeal = appeal_public_get(number)
    if appeal is None:
        raise Http404("No such appeal")
    form = FollowForm(request.POST or None)
    message, status, done, confirmed = "", 200, False, False
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif (retry_at := _rate_spend(request, "follow")) is not None:
            message, status = _rate_message(retry_at), 429
        else:
            try:
                follower, _created = appeal_follow(appeal=appeal, email=form.cleaned_data["email"])
                done, confirmed = True, follower.confirmed_at is not None
            except AppealRefusal as refusal:
                message, status = str(refusal), 400
    return render(
        request,
        "appeals/public/follow.html",
        # The address is never written back: the page may be seen over a shoulder.
        {
            "appeal": appeal,
            "form": FollowForm() if done else form,
            "done": done,
            "confirmed": confirmed,
            "message": message,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def appeal_follower_page(request: HttpRequest, number: str, token: str) -> HttpResponse:
    """The link in a follower's letters: confirm the address (POST), or stop following.

    Opening the link only shows a button: mail scanners that open every link in a letter
    must not confirm, nor stop, anything.
    """
    follower = follower_by_token(number, token)
    if follower is None:
        return render(request, "appeals/public/follower.html", {"number": number}, status=404)
    stopped = False
    if request.method == "POST":
        if request.POST.get("action") == "stop":
            follower_stop(follower)
            stopped = True
        else:
            follower_confirm(follower)
    return render(
        request,
        "appeals/public/follower.html",
        {"number": number, "follower": None if stopped else follower, "stopped": stopped},
    )


# -------------------------------------------------------------------------- public pages


def _due_state(appeal: Appeal) -> str:
    today = timezone.localdate()
    if appeal.answered_at is not None:
        answered_on = timezone.localtime(appeal.answered_at).date()
        return "met" if answered_on <= appeal.due else "late"
    if appeal.status in Appeal.OPEN_STATUSES:
        return "overdue" if appeal.due < today else "pending"
    return ""


@require_GET
def appeal_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One appeal: status, history, the answer; never who filed it."""
    appeal = appeal_public_get(number)
    if appeal is None:
        raise Http404("No such appeal")
    photos = appeal.public_photos  # type: ignore[attr-defined]
    return render(
        request,
        "appeals/public/detail.html",
        {
            "appeal": appeal,
            "filer_photos": [p for p in photos if p.source == p.Source.FILER],
            "answer_photos": [p for p in photos if p.source == p.Source.ANSWER],
            "hidden_photo_reasons": appeal_hidden_photo_reasons(appeal),
            "history": appeal.history,  # type: ignore[attr-defined]
            "due_state": _due_state(appeal),
            "colour": STATUS_COLOURS.get(appeal.status, "#555"),
            "map_link": f"{reverse('home')}#map=17/{appeal.location.y:.5f}/"
            f"{appeal.location.x:.5f}&layers={LAYER_KEY}",
            "basemap_url": settings.RGIS_BASEMAP_URL,
            "basemap_attribution": settings.RGIS_BASEMAP_ATTRIBUTION,
            "follow_form": FollowForm(),
        },
    )


def _page_of(request: HttpRequest, rows, size: int):
    paginator = Paginator(rows, size)
    return paginator.get_page(request.GET.get("page"))


@require_GET
def appeal_list(request: HttpRequest) -> HttpResponse:
    """Every appeal, newest first, narrowed by category, status, department and dates."""
    form = AppealFilterForm(request.GET or None)
    page = _page_of(request, appeals_public_filtered(form.filters()), LIST_PAGE_SIZE)
    return render(
        request,
        "appeals/public/list.html",
        {"form": form, "page": page, "query": form.query(), "colours": STATUS_COLOURS},
    )


def _journal_page(
    request: HttpRequest, form: JournalFilterForm, *, message: str = "", status: int = 200
) -> HttpResponse:
    filters = form.filters()
    rows = appeals_with_timeliness(appeals_public_filtered(filters), timezone.localdate())
    page = _page_of(request, rows, JOURNAL_PAGE_SIZE)
    return render(
        request,
        "appeals/public/journal.html",
        {
            "form": form,
            "page": page,
            "query": form.query(),
            "filters": filters,
            "message": message,
            "max_days": settings.RGIS_APPEALS_JOURNAL_MAX_DAYS,
            "max_rows": settings.RGIS_APPEALS_JOURNAL_CSV_MAX_ROWS,
        },
        status=status,
    )


@require_GET
def appeal_journal(request: HttpRequest) -> HttpResponse:
    """The journal: the appeals received in a range of dates (the last month unless chosen)
    with their deadlines and answer dates; also as CSV."""
    return _journal_page(request, JournalFilterForm(request.GET, today=timezone.localdate()))


class _Echo:
    def write(self, value: str) -> str:
        return value


def _journal_lines(filters: AppealFilters, limit: int) -> Iterator[str]:
    writer = csv.writer(_Echo())
    labels = dict(Appeal.Status.choices)
    # A byte-order mark: spreadsheet programs then read the Cyrillic as UTF-8.
    yield "\ufeff" + writer.writerow(
        [
            _("Number"),
            _("Received"),
            _("Registered on"),
            _("Category"),
            _("Department"),
            _("Status"),
            _("Answer due"),
            _("Extended until"),
            _("Answered"),
        ]
    )
    language = (get_language() or "kk")[:2]
    for row in journal_rows(filters, language, limit=limit):
        (number, received, registered, category, category_kk, department, department_kk,
         status, deadline, extended, answered) = row  # fmt: skip
        yield writer.writerow(
            [
                number,
                timezone.localtime(received).strftime("%Y-%m-%d %H:%M"),
                registered.isoformat(),
                category or category_kk,
                department or department_kk,
                str(labels.get(status, status)),
                deadline.isoformat(),
                extended.isoformat() if extended else "",
                timezone.localtime(answered).strftime("%Y-%m-%d %H:%M") if answered else "",
            ]
        )


@require_GET
def appeal_journal_csv(request: HttpRequest) -> HttpResponseBase:
    """The journal as CSV (UTF-8), streamed: the page's appeals, in a range of at most
    RGIS_APPEALS_JOURNAL_MAX_DAYS and RGIS_APPEALS_JOURNAL_CSV_MAX_ROWS rows; a bigger
    one is refused on the journal page, with what to narrow."""
    form = JournalFilterForm(request.GET, today=timezone.localdate())
    if not form.dates_valid():
        message = _("The CSV was not made: correct the dates below (at most %(days)s days).") % {
            "days": settings.RGIS_APPEALS_JOURNAL_MAX_DAYS
        }
        return _journal_page(request, form, message=message, status=400)
    filters = form.filters()
    limit = settings.RGIS_APPEALS_JOURNAL_CSV_MAX_ROWS
    if journal_count(filters, at_most=limit + 1) > limit:
        message = _(
            "More than %(count)s appeals match: the CSV holds at most %(count)s. Pick fewer "
            "dates, or a category, status or department."
        ) % {"count": limit}
        return _journal_page(request, form, message=message, status=400)
    response = StreamingHttpResponse(
        _journal_lines(filters, limit), content_type="text/csv; charset=utf-8"
    )
    start, end = filters.received_from, filters.received_to
    response["Content-Disposition"] = f'attachment; filename="appeals-journal-{start}-{end}.csv"'
    return response


@require_GET
def appeal_dashboard(request: HttpRequest) -> HttpResponse:
    """Accountability: received, time to answer, on time, overdue, trend; by department
    and category, as charts and as tables."""
    figures = dashboards.dashboard_figures()
    month_labels = [date_format(month, "M y") for month in figures.months]
    return render(
        request,
        "appeals/public/dashboard.html",
        {
            "figures": figures,
            "months": list(zip(figures.months, month_labels, strict=True)),
            "trend_chart": dashboards.month_bars(figures.total.trend, month_labels),
            "department_chart": dashboards.hbar_chart(figures.departments),
            "category_chart": dashboards.hbar_chart(figures.categories),
            "department_sparks": [
                (row, dashboards.sparkline_points(row.trend)) for row in figures.departments
            ],
            "category_sparks": [
                (row, dashboards.sparkline_points(row.trend)) for row in figures.categories
            ],
        },
    )
