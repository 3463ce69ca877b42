"""The residents' side of the queues: no sign-in, plain HTML forms, light on a cheap phone.

Every page: the look-up of one's applications, the queue list, a queue in order and the
public check of its ledger (/<lang>/queues/ ...).

- Look-up by application number is a GET form, so a result can be bookmarked and shared
  (an application number names nobody: the public ledger lists them all).
- Look-up by IIN is a POST form: the IIN then stays out of the address bar, the browser
  history, the proxy's and the server's access logs and the Referer header, and the page
  never writes it back (not even into the form). IIN look-ups are limited per client so
  nobody can try IINs one after another to learn who is in which queue.
"""

import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from parcels.maps import allocation_map_render
from parcels.models import Parcel
from queues.forms import IinLookupForm, NumberLookupForm
from queues.models import Application, Queue
from queues.public_texts import change_parts, pace_text, wait_text
from queues.selectors.history import AllocationPace, PositionChange, wait_rounded
from queues.selectors.positions import applications_ahead
from queues.selectors.public import (
    PAGE_SIZE,
    application_outlook,
    application_public_get,
    applications_of_person,
    parcels_being_allocated_for,
    queue_waiting_page,
)
from queues.selectors.queues import queue_get, queue_waiting_total, queues_public_list
from queues.selectors.verification import ledger_check_cached
from rgis.ratelimit import client_id, rate_count

DEFAULT_SINCE_DAYS = 30
# IIN look-ups per client and window; the cache is the default one (per process unless
# a shared cache is configured, which production should have for this to hold across workers).
IIN_LOOKUP_LIMIT = settings.RGIS_QUEUE_IIN_LOOKUP_LIMIT
IIN_LOOKUP_WINDOW_SECONDS = settings.RGIS_QUEUE_IIN_LOOKUP_WINDOW


@dataclass
class ApplicationResult:
    """What the look-up shows of one application (nothing personal)."""

    application: Application
    position: int | None
    ahead: int | None
    change: PositionChange | None
    change_parts: list[str]
    pace: AllocationPace | None
    pace_text: str
    wait_text: str


def _iin_lookup_allowed(request: HttpRequest) -> bool:
    """Count one IIN look-up for this client; False once the window's limit is spent."""
    key = f"queues:iin-lookups:{client_id(request)}"
    return rate_count(key, IIN_LOOKUP_WINDOW_SECONDS) <= IIN_LOOKUP_LIMIT


def _since_moment(day: datetime.date | None) -> datetime.datetime:
    """The start of the chosen day in the portal's time zone (default: 30 days ago)."""
    day = day or timezone.localdate() - datetime.timedelta(days=DEFAULT_SINCE_DAYS)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def application_result(
    application: Application, *, since: datetime.datetime, paces: dict[int, AllocationPace]
) -> ApplicationResult:
    """Position, its change since a moment and the estimated wait of one application."""
    outlook = application_outlook(application, since=since, paces=paces)
    return ApplicationResult(
        application=application,
        position=outlook.position,
        ahead=outlook.ahead,
        change=outlook.change,
        change_parts=change_parts(outlook.change) if outlook.change else [],
        pace=outlook.pace,
        pace_text=pace_text(outlook.pace) if outlook.pace else "",
        wait_text=wait_text(wait_rounded(outlook.wait)) if outlook.wait else "",
    )


def _lookup_page(
    request: HttpRequest,
    *,
    number_form: NumberLookupForm,
    iin_form: IinLookupForm,
    applications: list[Application] | None = None,
    since: datetime.datetime | None = None,
    searched: str = "",
    message: str = "",
    status: int = 200,
) -> HttpResponse:
    results = []
    parcels: list[Parcel] = []
    parcels_map = None
    if applications and since is not None:
        paces: dict[int, AllocationPace] = {}
        results = [application_result(a, since=since, paces=paces) for a in applications]
        queues = list({a.queue_id: a.queue for a in applications}.values())
        parcels = parcels_being_allocated_for(queues)
        parcels_map = allocation_map_render(parcels)
    return render(
        request,
        "queues/public/lookup.html",
        {
            "number_form": number_form,
            "iin_form": iin_form,
            "results": results,
            "searched": searched,
            "message": message,
            "parcels": parcels,
            "map": parcels_map,
            "iin_limit": IIN_LOOKUP_LIMIT,
            "iin_window_minutes": IIN_LOOKUP_WINDOW_SECONDS // 60,
            # A date the visitor typed, shown back in both forms (never the IIN).
            "since_value": (request.POST.get("since") or request.GET.get("since") or "")[:10],
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Find applications by number (GET) or by the applicant's IIN (POST)."""
    if request.method == "POST":
        return _lookup_by_iin(request)
    if "iin" in request.GET:
        # An IIN typed into an address (a bookmark, an old link): take it out of the address
        # at once, so that no link of the page (the language switcher) carries it on.
        query = request.GET.copy()
        del query["iin"]
        url = reverse("queues:lookup")
        return HttpResponseRedirect(f"{url}?{query.urlencode()}" if query else url)
    number_form = NumberLookupForm(request.GET or None)
    # The IIN form is never bound on a GET: an IIN in an address is ignored, not echoed.
    iin_form = IinLookupForm(initial={"since": request.GET.get("since", "")})
    if not request.GET or not number_form.is_valid():
        return _lookup_page(request, number_form=number_form, iin_form=iin_form)
    number = " ".join(number_form.cleaned_data["number"].split())
    if not number:
        return _lookup_page(request, number_form=number_form, iin_form=iin_form)
    application = application_public_get(number)
    if application is None:
        return _lookup_page(
            request,
            number_form=number_form,
            iin_form=iin_form,
            searched="number",
            message=_(
                "No application numbered “%(number)s”. Check the number on your receipt: "
                "letters, digits and dashes as printed."
            )
            % {"number": number},
            status=404,
        )
    return _lookup_page(
        request,
        number_form=number_form,
        iin_form=iin_form,
        applications=[application],
        since=_since_moment(number_form.cleaned_data["since"]),
        searched="number",
    )


def _lookup_by_iin(request: HttpRequest) -> HttpResponse:
    iin_form = IinLookupForm(request.POST)
    number_form = NumberLookupForm()
    valid = iin_form.is_valid()
    # Never render the IIN back, valid or not.
    iin_form.data = {"since": request.POST.get("since", ""), "iin": ""}
    if not valid:
        return _lookup_page(
            request, number_form=number_form, iin_form=iin_form, searched="iin", status=400
        )
    if not _iin_lookup_allowed(request):
        minutes = IIN_LOOKUP_WINDOW_SECONDS // 60
        return _lookup_page(
            request,
            number_form=number_form,
            iin_form=iin_form,
            searched="iin",
            message=ngettext(
                "Too many look-ups by IIN from your connection (at most %(limit)s in "
                "%(minutes)s minute). Try again later, or look up by application number.",
                "Too many look-ups by IIN from your connection (at most %(limit)s in "
                "%(minutes)s minutes). Try again later, or look up by application number.",
                minutes,
            )
            % {"limit": IIN_LOOKUP_LIMIT, "minutes": minutes},
            status=429,
        )
    applications = applications_of_person(iin_form.cleaned_data["iin"])
    if not applications:
        return _lookup_page(
            request,
            number_form=number_form,
            iin_form=iin_form,
            searched="iin",
            message=_(
                "No application is registered with this IIN. If you filed one, check the "
                "IIN, or look up by the number on your receipt."
            ),
            status=404,
        )
    return _lookup_page(
        request,
        number_form=number_form,
        iin_form=iin_form,
        applications=applications,
        since=_since_moment(iin_form.cleaned_data["since"]),
        searched="iin",
    )


@require_GET
def queue_list(request: HttpRequest) -> HttpResponse:
    """Every queue with the number of people waiting in it."""
    return render(request, "queues/public/queue_list.html", {"queues": queues_public_list()})


def _page_number(text: str) -> int | None:
    try:
        page = int(text)
    except ValueError:
        return None
    return page if page >= 1 else None


@require_GET
def queue_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One queue in order, a page at a time, names masked; a number jumps to its page."""
    queue = queue_get(slug)
    if queue is None:
        raise Http404("No such queue")
    number = " ".join(request.GET.get("number", "").split())[:40]
    if number:
        return _queue_jump(request, queue, number)
    total = queue_waiting_total(queue)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = _page_number(request.GET.get("page", "1"))
    if page is None or page > pages:
        return _queue_page(request, queue, total=total, pages=pages, page=None, status=404)
    return _queue_page(request, queue, total=total, pages=pages, page=page)


def _queue_page(
    request: HttpRequest,
    queue: Queue,
    *,
    total: int,
    pages: int,
    page: int | None,
    message: str = "",
    number: str = "",
    status: int = 200,
) -> HttpResponse:
    rows = queue_waiting_page(queue, page=page, per_page=PAGE_SIZE) if page else []
    return render(
        request,
        "queues/public/queue_detail.html",
        {
            "queue": queue,
            "total": total,
            "pages": pages,
            "page": page,
            "rows": rows,
            "previous_page": page - 1 if page and page > 1 else None,
            "next_page": page + 1 if page and page < pages else None,
            "message": message or ("" if page else _("There is no such page in this queue.")),
            "number": number,
            "page_size": PAGE_SIZE,
        },
        status=status,
    )


def _queue_jump(request: HttpRequest, queue: Queue, number: str) -> HttpResponse:
    application = application_public_get(number)
    if application is not None and application.status == Application.Status.WAITING:
        page = applications_ahead(application) // PAGE_SIZE + 1
        url = reverse("queues:queue", args=[application.queue.slug])
        return HttpResponseRedirect(f"{url}?page={page}#application-{application.number}")
    total = queue_waiting_total(queue)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if application is None:
        message = _("No application numbered “%(number)s”.") % {"number": number}
        status = 404
    else:
        message = _(
            "Application %(number)s is not waiting in line: its status is “%(status)s”."
        ) % {"number": application.number, "status": application.get_status_display()}
        status = 200
    return _queue_page(
        request,
        queue,
        total=total,
        pages=pages,
        page=1,
        message=message,
        number=number,
        status=status,
    )


@require_GET
def ledger_verify_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Recompute a queue's ledger and show whether it is intact, and how to check it oneself."""
    queue = queue_get(slug)
    if queue is None:
        raise Http404("No such queue")
    checked = ledger_check_cached(queue)

    def api(name: str) -> str:
        return request.build_absolute_uri(reverse(name, args=[queue.slug]))

    response = render(
        request,
        "queues/public/verify.html",
        {
            "queue": queue,
            "checked": checked,
            "report": checked.report,
            "roots_shown": checked.roots_shown,
            "roots_extended": checked.roots_extended,
            "download_url": api("queues_api:ledger_download"),
            "roots_url": api("queues_api:roots"),
            "ledger_url": api("queues_api:ledger"),
            "script_url": request.build_absolute_uri(reverse("queues_api:verify_script")),
        },
    )
    # A check still running: the reader will reload soon and should get the outcome.
    response["Cache-Control"] = "no-cache" if checked.report is None else "public, max-age=60"
    return response
