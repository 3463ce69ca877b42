"""The residents' side of a hearing: read the draft and the discussion, and comment.

Everything works without JavaScript (the list, the filters, the form with an address or a
cadastral number); hearings/js/hearing.js adds the comments to the draft's map and lets a
resident drop a pin. Public pages show pseudonyms, never a name, contact or IIN.
"""

import datetime
import hashlib
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from appeals.photos import MAX_PHOTOS
from geodata.selectors import MAP_FEATURE_LIMIT, version_features_geojson
from hearings.forms import (
    CommentFilterForm,
    CommentForm,
    ReportForm,
    comment_key_new,
    comment_key_open,
)
from hearings.models import Comment, Hearing
from hearings.rules import time_left_words
from hearings.selectors.discussion import (
    comment_by_key,
    comment_photo_public_get,
    comment_public_get,
    hearing_comments,
    hearing_comments_geojson,
    hearing_document_get,
    hearing_documents,
    hearing_meetings,
    hearing_public_get,
    hearing_territory_bounds,
    hearings_public_list,
    topics_active,
)
from hearings.selectors.protocols import hearing_protocols
from hearings.services.comments import comment_submit, key_scoped
from hearings.services.moderation import comment_report
from rgis.errors import Refusal
from rgis.maps.render import RenderedMap, features_map_render
from rgis.ratelimit import client_id, rate_parse, rate_spend

COMMENTS_PAGE_SIZE = 50
DRAFT_COLOUR = "#c2410c"


def _hearing_or_404(key: str) -> Hearing:
    hearing = hearing_public_get(key)
    if hearing is None:
        raise Http404("No such hearing")
    return hearing


def _window_words(hearing: Hearing) -> str:
    now = timezone.now()
    if hearing.status == Hearing.Status.OPEN and hearing.opens_at <= now < hearing.closes_at:
        return time_left_words(now, hearing.closes_at)
    return ""


def _draft_map(hearing: Hearing) -> RenderedMap:
    """The draft version's map, cached: a published version never changes."""
    key_parts = [
        str(hearing.version_id),
        hearing.updated_at.isoformat(),
        get_language() or "",
        settings.RGIS_BASEMAP_URL,
        settings.RGIS_BASEMAP_ATTRIBUTION,
    ]
    key = "hearing-map:" + hashlib.sha256("|".join(key_parts).encode()).hexdigest()
    rendered = cache.get(key)
    if rendered is None:
        features = version_features_geojson(hearing.version, limit=MAP_FEATURE_LIMIT)
        rendered = features_map_render(
            features.collection,
            name=hearing.version.layer.name,
            bounds=hearing_territory_bounds(hearing),
            colour=DRAFT_COLOUR,
        )
        cache.set(key, rendered, timeout=7 * 24 * 3600)
    return rendered


def _bounds_attribute(hearing: Hearing) -> str:
    """The territory's "west,south,east,north" for hearing.js, which fits a map that was
    hidden when folium fitted it."""
    return ",".join(f"{value:.6f}" for value in hearing_territory_bounds(hearing))


@require_GET
def hearing_list(request: HttpRequest) -> HttpResponse:
    """Every announced hearing, the open ones with their countdown."""
    hearings = [(hearing, _window_words(hearing)) for hearing in hearings_public_list()]
    return render(request, "hearings/public/list.html", {"hearings": hearings})


@require_GET
def hearing_detail(request: HttpRequest, key: str) -> HttpResponse:
    """The hearing: particulars, meetings, documents, the draft's map and every comment."""
    hearing = _hearing_or_404(key)
    form = CommentFilterForm(request.GET or None)
    comments = Paginator(hearing_comments(hearing, form.filters()), COMMENTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for comment in comments:
        # An attribute for the page only: the pseudonym is no field of the model.
        name = comment.pseudonym(hearing.territory_name)
        comment.public_name = name  # type: ignore[attr-defined]  # see above
    return render(
        request,
        "hearings/public/detail.html",
        {
            "hearing": hearing,
            "meetings": hearing_meetings(hearing),
            "documents": hearing_documents(hearing),
            "time_left": _window_words(hearing),
            "accepting": bool(_window_words(hearing)),
            "filter_form": form,
            "comments": comments,
            "topics": topics_active(),
            "map": _draft_map(hearing),
            "map_bounds": _bounds_attribute(hearing),
            "comments_geojson": hearing_comments_geojson(hearing),
            "sent": request.GET.get("sent", "")[:10],
            "protocols": hearing_protocols(hearing),
        },
    )


@require_GET
def hearing_comments_json(request: HttpRequest, key: str) -> JsonResponse:
    """The placed comments as GeoJSON (WGS 84), coloured by topic: pseudonyms only."""
    return JsonResponse(hearing_comments_geojson(_hearing_or_404(key)))


@require_GET
def hearing_document(request: HttpRequest, key: str, pk: int) -> FileResponse:
    hearing = _hearing_or_404(key)
    document = hearing_document_get(hearing, pk)
    if document is None:
        raise Http404("No such document")
    return FileResponse(
        document.file.open("rb"), content_type="application/pdf", filename=f"{document.title}.pdf"
    )


@require_GET
def comment_photo(request: HttpRequest, key: str, pk: int) -> FileResponse:
    hearing = _hearing_or_404(key)
    photo = comment_photo_public_get(hearing, pk)  # a hidden comment's photos are not served
    if photo is None:
        raise Http404("No such photo")
    return FileResponse(photo.image.open("rb"), content_type="image/jpeg")


# ------------------------------------------------------------------------------ comment


def _rate_message(retry_at: datetime.datetime) -> str:
    minutes = max(1, round((retry_at.timestamp() - time.time()) / 60))
    limit, _window = rate_parse(str(settings.RGIS_HEARINGS_RATE))
    return ngettext(
        "Too many comments from your connection just now (at most %(limit)s in a row). "
        "Try again in %(minutes)s minute. Nothing you typed is lost.",
        "Too many comments from your connection just now (at most %(limit)s in a row). "
        "Try again in %(minutes)s minutes. Nothing you typed is lost.",
        minutes,
    ) % {"limit": limit, "minutes": minutes}


def _comment_page(
    request: HttpRequest,
    hearing: Hearing,
    form: CommentForm,
    *,
    message: str = "",
    photos_dropped: int = 0,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "hearings/public/comment.html",
        {
            "hearing": hearing,
            "form": form,
            "message": message,
            "photos_dropped": photos_dropped,
            "max_photos": MAX_PHOTOS,
            "time_left": _window_words(hearing),
            "map": _draft_map(hearing),
            "map_bounds": _bounds_attribute(hearing),
        },
        status=status,
    )


def _sent(hearing: Hearing, comment: Comment) -> HttpResponseRedirect:
    url = reverse("hearings:detail", args=[hearing.slug])
    return HttpResponseRedirect(f"{url}?sent={comment.number}#comment-{comment.number}", status=303)


@never_cache
@require_http_methods(["GET", "POST"])
def comment_new(request: HttpRequest, key: str) -> HttpResponse:
    """The comment form (GET), and sending it (POST): one comment per form key."""
    hearing = _hearing_or_404(key)
    if request.method == "GET":
        initial = {"idempotency_key": comment_key_new(), "where": "none"}
        if request.GET.get("topic"):
            initial["topic"] = request.GET["topic"][:50]
        return _comment_page(request, hearing, CommentForm(initial=initial))
    if request.POST.get("website"):
        # A robot filled in the honeypot: it is shown the discussion, and nothing is written.
        return HttpResponseRedirect(reverse("hearings:detail", args=[hearing.slug]), status=303)
    photos = request.FILES.getlist("photos")
    token = comment_key_open(request.POST.get("idempotency_key", "")[:200])
    if token is None:
        typed = request.POST.copy()
        typed["idempotency_key"] = comment_key_new()
        expired = CommentForm(typed)
        expired.is_valid()
        message = _("This form has expired: check what you typed and send it again.")
        return _comment_page(
            request, hearing, expired, message=message, photos_dropped=len(photos), status=400
        )
    done = comment_by_key(key_scoped(scope="web", key=token) or "")
    if done is not None and done.hearing_id == hearing.pk:  # a retry after it went through
        return _sent(hearing, done)
    form = CommentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _comment_page(request, hearing, form, photos_dropped=len(photos), status=400)
    retry_at = rate_spend(f"hearings:rate:{client_id(request)}", str(settings.RGIS_HEARINGS_RATE))
    if retry_at is not None:
        return _comment_page(request, hearing, form, message=_rate_message(retry_at), status=429)
    try:
        comment, _created = comment_submit(
            hearing=hearing,
            topic=form.cleaned_data["topic"],
            text=form.cleaned_data["text"],
            author=form.author(),
            lives_inside=form.cleaned_data["lives_inside"],
            place=form.place(),
            photos=photos,
            channel=Comment.Channel.WEB,
            language=(get_language() or "kk")[:2],
            idempotency_key=token,
            idempotency_scope="web",
        )
    except (Refusal, ValidationError) as refusal:
        text = str(refusal) if isinstance(refusal, Refusal) else " ".join(refusal.messages)
        return _comment_page(
            request, hearing, form, message=text, photos_dropped=len(photos), status=400
        )
    return _sent(hearing, comment)


# ------------------------------------------------------------------------------- report

# One report per browser: a random token in a signed cookie (no account needed), hashed in
# the report. One per connection as well (the rate limiter's client id), so clearing the
# cookie does not count again.
READER_COOKIE = "rgis_hearings_reader"
READER_COOKIE_SALT = "hearings.reader"
READER_COOKIE_MAX_AGE = 365 * 24 * 3600


@never_cache
@require_http_methods(["GET", "POST"])
def comment_report_page(request: HttpRequest, key: str, number: int) -> HttpResponse:
    """Report a comment to the moderator (GET: the form; POST: the report)."""
    hearing = _hearing_or_404(key)
    comment = comment_public_get(hearing, number)
    if comment is None:
        raise Http404("No such comment")
    token = request.get_signed_cookie(READER_COOKIE, default="", salt=READER_COOKIE_SALT)
    form = ReportForm(request.POST or None)
    message, status, done = "", 200, False
    if request.method == "POST" and form.is_valid():
        retry_at = rate_spend(
            f"hearings:report:{client_id(request)}", str(settings.RGIS_HEARINGS_REPORT_RATE)
        )
        token = token or secrets.token_hex(16)
        if retry_at is not None:
            message, status = _("Too many reports from your connection just now."), 429
        else:
            try:
                comment_report(
                    comment=comment,
                    reason=form.cleaned_data["reason"],
                    detail=form.cleaned_data["detail"],
                    browser_token=token,
                    client=client_id(request),
                )
                done = True
            except Refusal as refusal:
                message, status = str(refusal), refusal.status
    elif request.method == "POST":
        status = 400
    response = render(
        request,
        "hearings/public/report.html",
        {
            "hearing": hearing,
            "comment": comment,
            "pseudonym": comment.pseudonym(hearing.territory_name),
            "form": form,
            "message": message,
            "done": done,
        },
        status=status,
    )
    if token:
        response.set_signed_cookie(
            READER_COOKIE,
            token,
            salt=READER_COOKIE_SALT,
            max_age=READER_COOKIE_MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response
