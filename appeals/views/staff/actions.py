"""The actions on an appeal's staff page: processing (operators) and moderation.

Thin: each POST validates a form, calls one service (appeals.services.processing,
.moderation), tells the outcome with a message in the officer's language and redirects
(POST-redirect-GET) to the appeal's page.

The appeal is loaded within the officer's reach, as for its page (appeals.views.staff.board):
404 outside it.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appeals.forms.staff import (
    AnswerForm,
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
    appeal_get_for_staff,
    appeal_photo_get_for_staff,
)
from appeals.services.moderation import (
    appeal_photo_hide,
    appeal_photo_unhide,
    appeal_text_hide,
    appeal_text_unhide,
)
from appeals.services.processing import (
    appeal_answer,
    appeal_extend,
    appeal_reassign,
    appeal_status_set,
)
from rgis.staff_actions import capability_required, form_errors_text, staff_action_run

_operator = capability_required(HANDLE_APPEALS)
_moderator = capability_required(MODERATE_CONTENT)
# Operators and moderators: the board and the appeals' pages.
_reader = capability_required(HANDLE_APPEALS, MODERATE_CONTENT)


def _act(
    request: HttpRequest,
    number: str,
    form: forms.Form,
    action: Callable[[Appeal, dict[str, Any]], object],
    done: str,
    *,
    access: StaffAccess = StaffAccess.PROCESS,
) -> HttpResponse:
    """Load the appeal within the user's reach (404 outside it), validate the form, run
    the action, say what happened, back to the appeal's page."""
    appeal = appeal_get_for_staff(user=request.user, number=number, access=access)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
    else:
        staff_action_run(request, lambda: action(appeal, form.cleaned_data), done)
    return redirect("appeals_staff:detail", number=number)


def _status_act(
    request: HttpRequest,
    number: str,
    status: str,
    form: NoteForm | ReasonForm | ForwardForm,
    done: str,
) -> HttpResponse:
    """Move the appeal to `status`, the form's note (or reason) going into its history."""
    return _act(
        request,
        number,
        form,
        lambda appeal, _data: appeal_status_set(
            appeal=appeal, status=status, actor=request.user, note=form.note_text()
        ),
        done,
    )


@_operator
@require_POST
def take_view(request: HttpRequest, number: str) -> HttpResponse:
    form = NoteForm(request.POST)
    done = _("The appeal is in progress.")
    return _status_act(request, number, Appeal.Status.IN_PROGRESS, form, done)


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
    done = _("The appeal is forwarded; the applicant is told.")
    return _status_act(request, number, Appeal.Status.FORWARDED, form, done)


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
    form = ReasonForm(request.POST)
    done = _("The appeal is rejected; the applicant is told why.")
    return _status_act(request, number, Appeal.Status.REJECTED, form, done)


@_operator
@require_POST
def close_view(request: HttpRequest, number: str) -> HttpResponse:
    form = NoteForm(request.POST)
    done = _("The appeal is closed.")
    return _status_act(request, number, Appeal.Status.CLOSED, form, done)


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
