"""Appeals staff pages: the front office, the board, an appeal's page and its actions.

Thin: each POST validates a form, calls one service (appeals.services, .processing,
.moderation), tells the outcome with a message in the officer's language and redirects
(POST-redirect-GET). The applicant's identity is shown behind handle_appeals only;
moderators see the board and the appeals' pages without it.

Scope (appeals.staff_selectors): every appeal is loaded through `appeal_get_for_staff`,
so an operator reaches only the appeals of the departments he is an operator of (404 for
the others); administrators reach every department's; moderators read and moderate every
appeal and process none. The front office stays open to every operator.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appeals.deadlines import extension_limit, forward_due
from appeals.models import Appeal, AppealPhoto
from appeals.notifications import appeal_link
from appeals.services.filing import appeal_file
from appeals.services.moderation import (
    appeal_photo_hide,
    appeal_photo_unhide,
    appeal_text_hide,
    appeal_text_unhide,
)
from appeals.services.processing import (
    TRANSITIONS,
    appeal_answer,
    appeal_applicant_iin_read,
    appeal_extend,
    appeal_reassign,
    appeal_status_set,
)
from appeals.staff_forms import (
    AnswerForm,
    BoardFilterForm,
    ExtendForm,
    ForwardForm,
    FrontOfficeForm,
    NoteForm,
    ReasonForm,
    ReassignForm,
)
from appeals.staff_selectors import (
    StaffAccess,
    appeal_board_list,
    appeal_get_for_staff,
    appeal_is_overdue,
    appeal_may_process,
    appeal_photo_get_for_staff,
    appeal_receipt_get_for_staff,
    departments_for_staff,
)
from rgis.errors import Refusal
from staff.roles import capability

HANDLE_APPEALS = capability("handle_appeals")
MODERATE_CONTENT = capability("moderate_content")
PAGE_SIZE = 50
LAST_CHANNEL = "appeals_front_office_channel"

View = Callable[..., HttpResponse]


def _operator(view: View) -> View:
    return login_required(permission_required(HANDLE_APPEALS, raise_exception=True)(view))


def _moderator(view: View) -> View:
    return login_required(permission_required(MODERATE_CONTENT, raise_exception=True)(view))


def _reader(view: View) -> View:
    """Operators and moderators: the board and the appeals' pages."""

    def check(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not (request.user.has_perm(HANDLE_APPEALS) or request.user.has_perm(MODERATE_CONTENT)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    check.__name__ = view.__name__
    check.__doc__ = view.__doc__
    return login_required(check)


def _error_text(error: Refusal | ValidationError) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    return str(error)


def _status_label(code: str) -> str:
    return str(Appeal.Status(code).label) if code in Appeal.Status.values else code


# The front office ------------------------------------------------------------------------


@_operator
@require_http_methods(["GET", "POST"])
def front_office(request: HttpRequest) -> HttpResponse:
    """File an appeal for a walk-in or phone visitor; then its receipt."""
    channel = request.session.get(LAST_CHANNEL, Appeal.Channel.WALK_IN)
    form = FrontOfficeForm(request.POST or None, initial={"channel": channel})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appeal, _created = appeal_file(
                category=data["category"],
                lat=data["lat"],
                lon=data["lon"],
                description=data["description"],
                applicant=form.applicant(),
                anonymous=data["anonymous"],
                address=data["address"],
                channel=data["channel"],
                idempotency_key=data["idempotency_key"],
                actor=request.user,
            )
        except ValidationError as error:  # the IIN (rgis.personal.InvalidIIN)
            form.add_error("iin", error)
        except Refusal as refusal:
            form.add_error(None, str(refusal))
        else:
            request.session[LAST_CHANNEL] = data["channel"]
            return redirect("appeals_staff:receipt", number=appeal.number)
    west, south, east, north = settings.RGIS_APPEALS_BOUNDS
    return render(
        request,
        "appeals/staff/front_office.html",
        {
            "form": form,
            "map_centre": [(south + north) / 2, (west + east) / 2],
            "map_bounds": [[south, west], [north, east]],
            "basemap_url": settings.RGIS_BASEMAP_URL,
            "basemap_attribution": settings.RGIS_BASEMAP_ATTRIBUTION,
        },
        status=400 if form.is_bound else 200,
    )


@_operator
@require_GET
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    """The printable receipt (талон): number, when, who accepted it, the term, the link."""
    appeal = appeal_receipt_get_for_staff(user=request.user, number=number)
    return render(
        request,
        "appeals/staff/receipt.html",
        {
            "appeal": appeal,
            "follow_link": request.build_absolute_uri(appeal_link(number)),
            "may_open": appeal_may_process(user=request.user, appeal=appeal),
        },
    )


# The board -------------------------------------------------------------------------------


@_reader
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """Appeals with their due dates, the overdue ones flagged and first; filters."""
    departments = departments_for_staff(user=request.user)
    form = BoardFilterForm(request.GET or None, departments=departments)
    appeals = appeal_board_list(form.filters(), user=request.user)
    page = Paginator(appeals, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "appeals/staff/board.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "my_departments": None if departments is None else list(departments),
        },
    )


@never_cache  # the applicant's identity must stay in no browser's or proxy's cache
@_reader
@require_GET
def appeal_detail(request: HttpRequest, number: str) -> HttpResponse:
    """Everything about one appeal, its history and the actions its status allows; the
    applicant's IIN masked (reading it is a separate, audited step: iin_show_view)."""
    appeal = appeal_get_for_staff(user=request.user, number=number, access=StaffAccess.READ)
    return _detail_page(request, appeal, iin=None)


@never_cache
@_operator
@require_POST
def iin_show_view(request: HttpRequest, number: str) -> HttpResponse:
    """The appeal's page with the applicant's IIN in clear; the reading is audited.

    A POST, not a link: nothing (a prefetch, a crawler, a reload of history) reads the IIN
    without the operator pressing the button, and each reading is one audit entry.
    """
    appeal = appeal_get_for_staff(user=request.user, number=number, access=StaffAccess.PROCESS)
    try:
        iin = appeal_applicant_iin_read(appeal=appeal, actor=request.user)
    except Refusal as refusal:
        messages.error(request, str(refusal))
        return redirect("appeals_staff:detail", number=number)
    return _detail_page(request, appeal, iin=iin)


def _detail_page(request: HttpRequest, appeal: Appeal, *, iin: str | None) -> HttpResponse:
    may_handle = appeal_may_process(user=request.user, appeal=appeal)
    identity = None
    if may_handle and not appeal.is_anonymous:
        identity = {
            "name": appeal.applicant_name,
            "has_iin": bool(appeal.applicant_iin_encrypted),
            "iin": iin,
            "email": appeal.applicant_email,
            "phone": appeal.applicant_phone,
            "address": appeal.applicant_address,
        }
    allowed = TRANSITIONS.get(appeal.status, ())
    is_open = appeal.status in Appeal.OPEN_STATUSES
    photos = list(appeal.photos.all())
    return render(
        request,
        "appeals/staff/detail.html",
        {
            "appeal": appeal,
            "identity": identity,
            "may_handle": may_handle,
            "may_moderate": request.user.has_perm(MODERATE_CONTENT),
            "is_overdue": appeal_is_overdue(appeal),
            "forward_due": forward_due(appeal.registered_on) if is_open else None,
            "extension_limit": extension_limit(appeal.registered_on) if is_open else None,
            "filer_photos": [p for p in photos if p.source == AppealPhoto.Source.FILER],
            "answer_photos": [p for p in photos if p.source == AppealPhoto.Source.ANSWER],
            "events": [
                {
                    "event": event,
                    "before": _status_label(event.status_before),
                    "after": _status_label(event.status_after),
                }
                for event in appeal.events.all()
            ],
            "can": {
                "take": Appeal.Status.IN_PROGRESS in allowed,
                "reassign": is_open,
                "forward": Appeal.Status.FORWARDED in allowed,
                "extend": is_open,
                "answer": Appeal.Status.ANSWERED in allowed,
                "reject": Appeal.Status.REJECTED in allowed,
                "close": Appeal.Status.CLOSED in allowed,
            },
            "forms": {
                "note": NoteForm(),
                "reason": ReasonForm(),
                "reassign": ReassignForm(initial={"department": appeal.department_id}),
                "forward": ForwardForm(),
                "extend": ExtendForm(),
                "answer": AnswerForm(),
            },
        },
    )


# Actions ---------------------------------------------------------------------------------


def _act(
    request: HttpRequest,
    number: str,
    form: Any,
    action: Callable[[Appeal, dict], Any],
    done: str,
    *,
    access: StaffAccess = StaffAccess.PROCESS,
) -> HttpResponse:
    """Load the appeal within the user's reach (404 outside it), validate the form, run
    the action, say what happened, back to the appeal's page."""
    appeal = appeal_get_for_staff(user=request.user, number=number, access=access)
    if not form.is_valid():
        errors = [str(error) for errors in form.errors.values() for error in errors]
        messages.error(request, " ".join(errors))
    else:
        try:
            action(appeal, form.cleaned_data)
        except (Refusal, ValidationError) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, done)
    return redirect("appeals_staff:detail", number=number)


@_operator
@require_POST
def take_view(request: HttpRequest, number: str) -> HttpResponse:
    return _act(
        request,
        number,
        NoteForm(request.POST),
        lambda appeal, data: appeal_status_set(
            appeal=appeal, status=Appeal.Status.IN_PROGRESS, actor=request.user, note=data["note"]
        ),
        _("The appeal is in progress."),
    )


@_operator
@require_POST
def reassign_view(request: HttpRequest, number: str) -> HttpResponse:
    return _act(
        request,
        number,
        ReassignForm(request.POST),
        lambda appeal, data: appeal_reassign(
            appeal=appeal, department=data["department"], actor=request.user, note=data["note"]
        ),
        _("The appeal is given to another department."),
    )


@_operator
@require_POST
def forward_view(request: HttpRequest, number: str) -> HttpResponse:
    form = ForwardForm(request.POST)
    return _act(
        request,
        number,
        form,
        lambda appeal, _data: appeal_status_set(
            appeal=appeal, status=Appeal.Status.FORWARDED, actor=request.user, note=form.note()
        ),
        _("The appeal is forwarded; the applicant is told."),
    )


@_operator
@require_POST
def extend_view(request: HttpRequest, number: str) -> HttpResponse:
    return _act(
        request,
        number,
        ExtendForm(request.POST),
        lambda appeal, data: appeal_extend(
            appeal=appeal, until=data["until"], reason=data["reason"], actor=request.user
        ),
        _("The term is extended; the applicant is told."),
    )


@_operator
@require_POST
def answer_view(request: HttpRequest, number: str) -> HttpResponse:
    return _act(
        request,
        number,
        AnswerForm(request.POST, request.FILES),
        lambda appeal, data: appeal_answer(
            appeal=appeal, text=data["text"], photos=data["photos"], actor=request.user
        ),
        _("The answer is sent to the applicant."),
    )


@_operator
@require_POST
def reject_view(request: HttpRequest, number: str) -> HttpResponse:
    return _act(
        request,
        number,
        ReasonForm(request.POST),
        lambda appeal, data: appeal_status_set(
            appeal=appeal, status=Appeal.Status.REJECTED, actor=request.user, note=data["reason"]
        ),
        _("The appeal is rejected; the applicant is told why."),
    )


@_operator
@require_POST
def close_view(request: HttpRequest, number: str) -> HttpResponse:
    return _act(
        request,
        number,
        NoteForm(request.POST),
        lambda appeal, data: appeal_status_set(
            appeal=appeal, status=Appeal.Status.CLOSED, actor=request.user, note=data["note"]
        ),
        _("The appeal is closed."),
    )


# Moderation ------------------------------------------------------------------------------


@_moderator
@require_POST
def text_hide_view(request: HttpRequest, number: str) -> HttpResponse:
    return _act(
        request,
        number,
        ReasonForm(request.POST),
        lambda appeal, data: appeal_text_hide(
            appeal=appeal, reason=data["reason"], actor=request.user
        ),
        _("The description is hidden from the public."),
        access=StaffAccess.MODERATE,
    )


@_moderator
@require_POST
def text_unhide_view(request: HttpRequest, number: str) -> HttpResponse:
    return _act(
        request,
        number,
        NoteForm(request.POST),
        lambda appeal, _data: appeal_text_unhide(appeal=appeal, actor=request.user),
        _("The description is public again."),
        access=StaffAccess.MODERATE,
    )


def _photo(request: HttpRequest, number: str, pk: int) -> AppealPhoto:
    appeal = appeal_get_for_staff(user=request.user, number=number, access=StaffAccess.MODERATE)
    return appeal_photo_get_for_staff(user=request.user, number=appeal.number, photo_id=pk)


@_moderator
@require_POST
def photo_hide_view(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    photo = _photo(request, number, pk)
    return _act(
        request,
        number,
        ReasonForm(request.POST),
        lambda _appeal, data: appeal_photo_hide(
            photo=photo, reason=data["reason"], actor=request.user
        ),
        _("The photo is hidden from the public."),
        access=StaffAccess.MODERATE,
    )


@_moderator
@require_POST
def photo_unhide_view(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    photo = _photo(request, number, pk)
    return _act(
        request,
        number,
        NoteForm(request.POST),
        lambda _appeal, _data: appeal_photo_unhide(photo=photo, actor=request.user),
        _("The photo is public again."),
        access=StaffAccess.MODERATE,
    )
