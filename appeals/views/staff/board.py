"""The appeals board and an appeal's staff page, with the actions its status allows.

The applicant's identity is shown behind handle_appeals only, to the operators who may
process the appeal; moderators see the board and the appeals' pages without it.

Scope (appeals.selectors.staff): every appeal is loaded through `appeal_get_for_staff`,
so an operator reaches only the appeals of the departments he is an operator of (404 for
the others); administrators reach every department's; moderators read and moderate every
appeal and process none.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from appeals.deadlines import extension_limit, forward_due
from appeals.forms.staff import (
    AnswerForm,
    BoardFilterForm,
    ExtendForm,
    ForwardForm,
    NoteForm,
    ReasonForm,
    ReassignForm,
)
from appeals.models import Appeal, AppealPhoto
from appeals.selectors.staff import (
    HANDLE_APPEALS,
    MODERATE_CONTENT,
    StaffAccess,
    appeal_board_list,
    appeal_get_for_staff,
    appeal_is_overdue,
    appeal_may_process,
    departments_for_staff,
)
from appeals.services.processing import TRANSITIONS, appeal_applicant_iin_read
from rgis.errors import Refusal
from rgis.staff_actions import capability_required

PAGE_SIZE = 50

_operator = capability_required(HANDLE_APPEALS)
# Operators and moderators: the board and the appeals' pages.
_reader = capability_required(HANDLE_APPEALS, MODERATE_CONTENT)


def _status_label(code: str) -> str:
    return str(Appeal.Status(code).label) if code in Appeal.Status.values else code


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
