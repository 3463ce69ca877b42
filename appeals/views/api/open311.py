"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/v2/.

Every endpoint answers in .json or .xml; errors come in the spec's format with 400 (bad
input), 403 (bad api_key) or 404 (nothing there).

Language: the `locale` parameter (kk, ru or en) if given, else the request's
Accept-Language, else Russian. Partner apps and scripts (the `georeport` client among
them) usually send no Accept-Language, and Russian is the language the city's partner
apps share; Kazakh is one parameter away (locale=kk). `jurisdiction_id` is accepted and
ignored: this endpoint serves one jurisdiction, the city.
"""

import datetime
import functools
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.core.validators import validate_email
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.csrf import csrf_exempt

from appeals.models import Appeal
from appeals.open311_documents import (
    STATUS_GROUPS,
    errors_respond,
    post_answer_document,
    request_document,
    respond,
    service_definition_document,
    service_document,
)
from appeals.selectors import open311
from appeals.selectors.places import address_point
from appeals.services.filing import DESCRIPTION_MAX
from appeals.services.partners import PartnerRequest, partner_request_file
from rgis.errors import Refusal
from rgis.ratelimit import rate_spend

LANGUAGES = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "ru"
DEFAULT_DAYS = 90
MAX_SPAN = datetime.timedelta(days=90)
PAGE_SIZE = 50
PAGE_SIZE_MAX = 200
CHANGESET = "2026-03-01T00:00:00+05:00"


class Open311Error(Exception):
    """An error the client can act on, written in the spec's format."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


def request_language(request: HttpRequest) -> str:
    asked = request.GET.get("locale") or request.POST.get("locale") or ""
    if asked[:2].lower() in LANGUAGES:
        return asked[:2].lower()
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header):
        if code[:2].lower() in LANGUAGES:
            return code[:2].lower()
    return DEFAULT_LANGUAGE


def open311_view(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """The language, and errors in the spec's format (never an internal error's text)."""

    @functools.wraps(view)
    def wrapper(
        request: HttpRequest, *args: Any, fmt: str | None = None, **kwargs: Any
    ) -> HttpResponse:
        fmt = fmt or "json"
        with translation.override(request_language(request)):
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                response = errors_respond(fmt, error.status, error.description)
                if error.retry_after is not None:
                    response["Retry-After"] = str(error.retry_after)
                return response
            except Http404:
                return errors_respond(fmt, 404, _("Nothing is there."))
            except Refusal as refusal:
                return errors_respond(fmt, 400, str(refusal))
            except ValidationError as error:  # an invalid IIN
                return errors_respond(fmt, 400, " ".join(str(m) for m in error.messages))

    return wrapper


def _only(request: HttpRequest, *methods: str) -> None:
    if request.method not in methods:
        raise Open311Error(405, _("This address does not accept that method."))


# Discovery and services ------------------------------------------------------------------


@open311_view
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    _only(request, "GET", "HEAD")
    base = request.build_absolute_uri(reverse("open311:root"))
    document = {
        "changeset": CHANGESET,
        "contact": _("The akimat's appeals office, via the e-RGIS portal"),
        "key_service": _("Ask the akimat's appeals office for an api_key."),
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base.rstrip("/"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(document, fmt, root="discovery", item=None)


@open311_view
def service_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    _only(request, "GET", "HEAD")
    services = [service_document(category) for category in open311.service_list()]
    return respond(services, fmt, root="services", item="service")


@open311_view
def service_definition(request: HttpRequest, code: str, *, fmt: str) -> HttpResponse:
    _only(request, "GET", "HEAD")
    document = service_definition_document(open311.service_get(code))
    return respond(document, fmt, root="service_definition", item=None)


# Requests --------------------------------------------------------------------------------


def _moment(name: str, text: str) -> datetime.datetime | None:
    if not text:
        return None
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            moment = datetime.datetime.combine(day, datetime.time()) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(
            400,
            _("%(name)s must be a W3C date and time, e.g. 2026-01-31T00:00:00Z.") % {"name": name},
        )
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _comma_list(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


def _filters(request: HttpRequest) -> open311.RequestFilters:
    params = request.GET
    numbers = _comma_list(params.get("service_request_id", ""))
    if numbers:
        return open311.RequestFilters(numbers=numbers)
    start = _moment("start_date", params.get("start_date", ""))
    end = _moment("end_date", params.get("end_date", ""))
    # The spec: the most recent 90 days unless told; a range spans at most 90 days.
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        assert end is not None
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        raise Open311Error(400, _("end_date is before start_date."))
    if end - start > MAX_SPAN:
        raise Open311Error(400, _("start_date and end_date may span at most 90 days."))
    statuses = _comma_list(params.get("status", "").lower())
    unknown = [status for status in statuses if status not in STATUS_GROUPS]
    if unknown:
        raise Open311Error(400, _("status is open or closed (or both, comma separated)."))
    return open311.RequestFilters(
        service_codes=_comma_list(params.get("service_code", "")),
        start=start,
        end=end,
        statuses=statuses,
    )


def _positive(request: HttpRequest, name: str, default: int, limit: int) -> int:
    text = request.GET.get(name, "")
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise Open311Error(400, _("%(name)s must be a positive whole number.") % {"name": name})
    return min(int(text), limit)


def _media_url(request: HttpRequest, appeal: Appeal) -> str | None:
    photos = getattr(appeal, "public_photos", [])
    return request.build_absolute_uri(photos[0].get_absolute_url()) if photos else None


def _documents(request: HttpRequest, appeals: Iterable[Appeal]) -> list[dict[str, Any]]:
    return [request_document(appeal, media_url=_media_url(request, appeal)) for appeal in appeals]


@csrf_exempt  # partner apps post with an api_key, not a session
@open311_view
def requests_endpoint(request: HttpRequest, *, fmt: str) -> HttpResponse:
    _only(request, "GET", "HEAD", "POST")
    if request.method == "POST":
        return _request_create(request, fmt)
    size = _positive(request, "page_size", PAGE_SIZE, PAGE_SIZE_MAX)
    number = _positive(request, "page", 1, 10**6)
    try:
        page = Paginator(open311.request_list(_filters(request)), size).page(number)
    except EmptyPage:
        documents: list[dict[str, Any]] = []
    else:
        documents = _documents(request, page.object_list)
    return respond(documents, fmt, root="service_requests", item="request")


@open311_view
def request_detail(request: HttpRequest, number: str, *, fmt: str) -> HttpResponse:
    _only(request, "GET", "HEAD")
    documents = _documents(request, [open311.request_get(number)])
    return respond(documents, fmt, root="service_requests", item="request")


@open311_view
def token_detail(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    _only(request, "GET", "HEAD")
    appeal = open311.request_for_token(token)
    document = [{"service_request_id": appeal.number, "token": appeal.partner_token}]
    return respond(document, fmt, root="service_requests", item="request")


def _float(name: str, text: str) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise Open311Error(400, _("%(name)s must be a number.") % {"name": name}) from None


# What a POST may carry, by parameter: at most so many characters (the appeal's columns).
POST_LENGTHS = {
    "service_code": 50,
    "address_string": 300,
    "description": DESCRIPTION_MAX,
    "first_name": 150,
    "last_name": 150,
    "attribute[full_name]": 300,
    "attribute[iin]": 20,
    "email": 254,
    "phone": 40,
    "partner_token": 64,
    "locale": 10,
}
PHONE = re.compile(r"\+?[0-9][0-9 ()\-]{4,39}")
REQUEST_KEY = re.compile(r"[\x21-\x7e]{1,64}")  # printable ASCII, no spaces


def _post_check(request: HttpRequest) -> None:
    """Lengths and formats of what a partner posted: a 400 naming the parameter (never a
    database error's 500)."""
    params = request.POST
    for name, limit in POST_LENGTHS.items():
        if len(params.get(name, "")) > limit:
            raise Open311Error(
                400,
                _("%(name)s is too long (at most %(count)s characters).")
                % {"name": name, "count": limit},
            )
    email = params.get("email", "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Open311Error(400, _("email is not an e-mail address.")) from None
    phone = params.get("phone", "").strip()
    if phone and not PHONE.fullmatch(phone):
        raise Open311Error(400, _("phone may hold digits, spaces, “+”, “-”, “(” and “)” only."))
    key = params.get("partner_token", "") or request.headers.get("Idempotency-Key", "")
    if key and not REQUEST_KEY.fullmatch(key):
        raise Open311Error(
            400,
            _("partner_token (or Idempotency-Key) is 1 to 64 printable characters, no spaces."),
        )


def _request_create(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.POST
    partner = open311.partner_for_key(params.get("api_key", ""))
    if partner is None:
        raise Open311Error(403, _("The api_key is missing or not valid."))
    # Per key: a leaked key, or a partner's app gone wrong, cannot flood the appeals office.
    retry_at = rate_spend(f"open311:post:{partner.pk}", settings.RGIS_OPEN311_POST_RATE)
    if retry_at is not None:
        raise Open311Error(
            429,
            _("Too many requests with this api_key just now: try again after %(time)s UTC.")
            % {"time": retry_at.strftime("%Y-%m-%dT%H:%M:%SZ")},
            retry_after=max(1, int(retry_at.timestamp() - time.time()) + 1),
        )
    _post_check(request)
    code = params.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("service_code is required."))
    try:
        category = open311.service_get(code)
    except Http404:
        raise Open311Error(
            400, _("Unknown service_code “%(code)s”: see services.") % {"code": code[:50]}
        ) from None
    lat, lon = _float("lat", params.get("lat", "")), _float("long", params.get("long", ""))
    address = params.get("address_string", "").strip()
    if lat is None or lon is None:
        found = address_point(address)
        if found is None:
            raise Open311Error(
                400,
                _("Give lat and long, or an address_string found in the city's parcel registry."),
            )
        lat, lon = found
    if not params.get("description", "").strip():
        raise Open311Error(400, _("description is required."))
    appeal, _created = partner_request_file(
        partner=partner,
        request=PartnerRequest(
            category=category,
            lat=lat,
            lon=lon,
            address=address,
            description=params.get("description", ""),
            first_name=params.get("first_name", ""),
            last_name=params.get("last_name", ""),
            full_name=params.get("attribute[full_name]", ""),
            iin=params.get("attribute[iin]", ""),
            email=params.get("email", ""),
            phone=params.get("phone", ""),
            request_key=params.get("partner_token", "")
            or request.headers.get("Idempotency-Key", ""),
        ),
    )
    return respond(
        [post_answer_document(appeal)],
        fmt,
        root="service_requests",
        item="request",
    )


@csrf_exempt
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    return _not_found(request, fmt="xml" if rest.endswith(".xml") else "json")


@open311_view
def _not_found(request: HttpRequest, *, fmt: str) -> HttpResponse:
    raise Open311Error(404, _("No such Open311 endpoint: see discovery.json."))
