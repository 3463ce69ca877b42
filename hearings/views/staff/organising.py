"""The organiser's pages: prepare a hearing, announce, open and close it, answer comments
and enter those said aloud or handed in on paper (capability organise_hearings)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hearings.forms import (
    AnswerForm,
    DocumentForm,
    HearingForm,
    MeetingForm,
    StaffCommentForm,
    comment_key_new,
    comment_key_open,
)
from hearings.models import Hearing
from hearings.rules import days_left
from hearings.selectors.discussion import (
    comment_staff_get,
    hearing_documents,
    hearing_meetings,
    hearing_staff_get,
    hearings_staff_list,
)
from hearings.selectors.discussion import (
    hearing_board as board_rows,
)
from hearings.selectors.protocols import hearing_protocols
from hearings.services.answers import comment_answer
from hearings.services.comments import comment_submit
from hearings.services.protocols import protocol_generate
from hearings.services.schedule import (
    PARTICULAR_FIELDS,
    document_add,
    hearing_announce,
    hearing_close,
    hearing_create,
    hearing_open,
    hearing_update,
    meeting_add,
)
from rgis.errors import Refusal
from rgis.staff_actions import (
    capability_required,
    form_errors_text,
    refusal_text,
    staff_action_run,
)
from staff.roles import capability

ORGANISE = capability("organise_hearings")


def _hearing_or_404(pk: int) -> Hearing:
    hearing = hearing_staff_get(pk)
    if hearing is None:
        raise Http404("No such hearing")
    return hearing


def _to_board(hearing: Hearing) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("hearings_staff:board", args=[hearing.pk]), status=303)


@require_GET
@capability_required(ORGANISE)
def hearing_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = [(hearing, days_left(now, hearing.closes_at)) for hearing in hearings_staff_list()]
    return render(request, "hearings/staff/list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@capability_required(ORGANISE)
def hearing_new(request: HttpRequest) -> HttpResponse:
    """A new hearing on a published plan version."""
    form = HearingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]
        if version is None:
            form.add_error("version", _("Pick the draft version to discuss."))
        else:
            try:
                hearing = hearing_create(
                    version=version, particulars=form.particulars(), actor=request.user
                )
            except (Refusal, ValidationError) as refusal:
                messages.error(request, refusal_text(refusal))
            else:
                messages.success(request, _("The hearing is prepared. Add its meetings."))
                return _to_board(hearing)
    return render(request, "hearings/staff/edit.html", {"form": form, "hearing": None}, status=200)


@require_http_methods(["GET", "POST"])
@capability_required(ORGANISE)
def hearing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    hearing = _hearing_or_404(pk)
    initial = {name: getattr(hearing, name) for name in PARTICULAR_FIELDS}
    initial["opens_at"] = timezone.localtime(hearing.opens_at)
    initial["closes_at"] = timezone.localtime(hearing.closes_at)
    form = HearingForm(request.POST or None, initial=initial)
    form.fields["version"].disabled = True  # the draft shown never changes
    if request.method == "POST" and form.is_valid():
        done = staff_action_run(
            request,
            lambda: hearing_update(
                hearing=hearing, particulars=form.particulars(), actor=request.user
            ),
            _("The hearing is saved."),
        )
        if done:
            return _to_board(hearing)
    return render(request, "hearings/staff/edit.html", {"form": form, "hearing": hearing})


@require_GET
@capability_required(ORGANISE)
def hearing_board(request: HttpRequest, pk: int) -> HttpResponse:
    """The hearing's board: status actions, meetings, documents; comments unanswered first."""
    hearing = _hearing_or_404(pk)
    return render(
        request,
        "hearings/staff/board.html",
        {
            "hearing": hearing,
            "days_left": days_left(timezone.now(), hearing.closes_at),
            "meetings": hearing_meetings(hearing),
            "documents": hearing_documents(hearing),
            "rows": board_rows(hearing),
            "protocols": hearing_protocols(hearing),
            "meeting_form": MeetingForm(),
            "document_form": DocumentForm(),
        },
    )


@require_POST
@capability_required(ORGANISE)
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    hearing = _hearing_or_404(pk)
    form = MeetingForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return _to_board(hearing)
    staff_action_run(
        request,
        lambda: meeting_add(
            hearing=hearing,
            starts_at=form.starts_at(),
            place=form.cleaned_data["place"],
            location=form.location(),
            online_link=form.cleaned_data["online_link"],
            actor=request.user,
        ),
        _("The meeting is added."),
    )
    return _to_board(hearing)


@require_POST
@capability_required(ORGANISE)
def document_new(request: HttpRequest, pk: int) -> HttpResponse:
    hearing = _hearing_or_404(pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return _to_board(hearing)
    staff_action_run(
        request,
        lambda: document_add(
            hearing=hearing,
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
            actor=request.user,
        ),
        _("The document is attached."),
    )
    return _to_board(hearing)


@require_POST
@capability_required(ORGANISE)
def hearing_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Announce, open or close the hearing (each refused outside its time, with why)."""
    hearing = _hearing_or_404(pk)
    actions = {
        "announce": (hearing_announce, _("The hearing is announced: the public sees it.")),
        "open": (hearing_open, _("The hearing is open for comments.")),
        "close": (hearing_close, _("The hearing is closed.")),
    }
    chosen = actions.get(request.POST.get("action", ""))
    if chosen is None:
        messages.error(request, _("Unknown action."))
        return _to_board(hearing)
    service, done = chosen
    staff_action_run(request, lambda: service(hearing=hearing, actor=request.user), done)
    return _to_board(hearing)


@require_POST
@capability_required(ORGANISE)
def protocol_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Generate the next revision of the protocol (refused until the window has closed)."""
    hearing = _hearing_or_404(pk)
    staff_action_run(
        request,
        lambda: protocol_generate(hearing=hearing, actor=request.user),
        _("The protocol is generated and published on the hearing page."),
    )
    return _to_board(hearing)


@require_http_methods(["GET", "POST"])
@capability_required(ORGANISE)
def comment_enter(request: HttpRequest, pk: int) -> HttpResponse:
    """A comment said aloud at the meeting or handed in on paper, into the same log."""
    hearing = _hearing_or_404(pk)
    if request.method == "GET":
        initial = {
            "idempotency_key": comment_key_new(),
            "where": "none",
            "channel": "meeting",
            "language": (get_language() or "kk")[:2],
        }
        form = StaffCommentForm(initial=initial)
    else:
        form = StaffCommentForm(request.POST)
        token = comment_key_open(request.POST.get("idempotency_key", "")[:200])
        if token is None:
            messages.error(request, _("This form has expired: check it and send it again."))
        elif form.is_valid():
            data = form.cleaned_data
            done = staff_action_run(
                request,
                lambda: comment_submit(
                    hearing=hearing,
                    topic=data["topic"],
                    text=data["text"],
                    author=form.author(),
                    lives_inside=data["lives_inside"],
                    place=form.place(),
                    channel=data["channel"],
                    language=data["language"],
                    idempotency_key=token,
                    idempotency_scope="staff",
                    actor=request.user,
                ),
                _("The comment is entered."),
            )
            if done:
                return _to_board(hearing)
    return render(request, "hearings/staff/comment.html", {"hearing": hearing, "form": form})


@require_http_methods(["GET", "POST"])
@capability_required(ORGANISE)
def comment_answer_page(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Answer one comment: the decision and its reason, told to the commenter by e-mail."""
    hearing = _hearing_or_404(pk)
    row = comment_staff_get(hearing, number)
    if row is None:
        raise Http404("No such comment")
    existing = getattr(row.comment, "answer", None)
    initial = (
        {}
        if existing is None
        else {
            "verdict": existing.verdict,
            "reason_kk": existing.reason_kk,
            "reason_ru": existing.reason_ru,
        }
    )
    form = AnswerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = staff_action_run(
            request,
            lambda: comment_answer(
                comment=row.comment,
                verdict=data["verdict"],
                reason_kk=data["reason_kk"],
                reason_ru=data["reason_ru"],
                actor=request.user,
            ),
            _("The answer is saved; the commenter is told by e-mail if they left one."),
        )
        if done:
            return _to_board(hearing)
    return render(
        request, "hearings/staff/answer.html", {"hearing": hearing, "row": row, "form": form}
    )
