"""Queue officers' pages of one application: registering it, its page with its history, and
the actions on it (show the IIN, verify, decide a back-dating, remove, correct)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from queues.forms import (
    ApplicationRegisterForm,
    CorrectForm,
    OfferForm,
    RefusalForm,
    RemoveForm,
    form_errors_labelled,
)
from queues.models import Application
from queues.selectors.applications import application_head, application_history
from queues.selectors.positions import application_position
from queues.selectors.staff import (
    ALLOCATE_PLOTS,
    MANAGE_QUEUES,
    application_audit,
    application_get_for_staff,
    application_offers,
    application_open_offer,
    applications_with_masked_iin,
    queue_get_for_staff,
)
from queues.services.applications import (
    application_correct,
    application_iin_read,
    application_register,
    application_verify,
)
from queues.services.backdating import application_backdate_decide
from queues.services.removals import application_remove
from rgis.errors import Refusal
from rgis.staff_actions import capability_required, refusal_text, staff_action_run


@require_http_methods(["GET", "POST"])
@capability_required(MANAGE_QUEUES)
def application_new(request: HttpRequest, slug: str) -> HttpResponse:
    queue = queue_get_for_staff(user=request.user, slug=slug)
    form = ApplicationRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = application_register(
                queue=queue,
                full_name=data["full_name"],
                iin=data["iin"],
                email=data["email"],
                phone=data["phone"],
                filed_at=data["filed_at"],
                actor=request.user,
                backdate_reason=data["backdate_reason"],
                backdate_document=data["backdate_document"],
                backdate_document_date=data["backdate_document_date"],
            )
        except Refusal as refusal:
            form.add_error(None, refusal_text(refusal))
        else:
            if application.status == Application.Status.PENDING:
                messages.success(
                    request,
                    _(
                        "Application %(number)s is registered with an earlier filing date: it "
                        "takes its place in line once a second officer approves the date."
                    )
                    % {"number": application.number},
                )
            else:
                messages.success(
                    request,
                    _("Application %(number)s is registered.") % {"number": application.number},
                )
            return redirect("queue_staff:application", pk=application.pk)
    return render(
        request,
        "queues/staff/application_new.html",
        {"queue": queue, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _application_page(
    request: HttpRequest, application: Application, *, iin: str = ""
) -> HttpResponse:
    applications_with_masked_iin([application])
    open_offer = application_open_offer(application)
    head = application_head(application.queue)
    is_head = head is not None and head.pk == application.pk
    can_allocate = request.user.has_perm(ALLOCATE_PLOTS)
    offer_form = None
    if can_allocate and is_head:
        offer_form = OfferForm(queue=application.queue, initial={"application": application.pk})
    return render(
        request,
        "queues/staff/application_detail.html",
        {
            "application": application,
            "position": application_position(application),
            "open_offer": open_offer,
            "offers": application_offers(application),
            "ledger": application_history(application),
            "audit": application_audit(application),
            "is_head": is_head,
            "offer_form": offer_form,
            "remove_form": RemoveForm()
            if application.status == Application.Status.WAITING
            else None,
            "can_allocate": can_allocate,
            "refusal_form": RefusalForm() if open_offer is not None else None,
            "iin_shown": iin,
        },
    )


@require_GET
@capability_required(MANAGE_QUEUES)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _application_page(request, application_get_for_staff(user=request.user, pk=pk))


@require_POST
@never_cache
@capability_required(MANAGE_QUEUES)
def application_iin_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The page with the full IIN, shown on the officer's request (audited), never cached."""
    application = application_get_for_staff(user=request.user, pk=pk)
    iin = application_iin_read(application=application, actor=request.user)
    return _application_page(request, application, iin=iin)


@require_POST
@capability_required(MANAGE_QUEUES)
def application_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_get_for_staff(user=request.user, pk=pk)
    staff_action_run(
        request,
        lambda: application_verify(application=application, actor=request.user),
        _("The documents are verified."),
    )
    return redirect("queue_staff:application", pk=pk)


@require_POST
@capability_required(MANAGE_QUEUES)
def application_backdate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A second officer approves or rejects a back-dated filing date."""
    application = application_get_for_staff(user=request.user, pk=pk)
    approve = request.POST.get("decision") == "approve"
    staff_action_run(
        request,
        lambda: application_backdate_decide(
            application=application, actor=request.user, approve=approve
        ),
        _("The earlier filing date is approved: the application takes its place in line.")
        if approve
        else _(
            "The earlier filing date is rejected: the application is filed as of its registration."
        ),
    )
    return redirect("queue_staff:application", pk=pk)


@require_POST
@capability_required(MANAGE_QUEUES)
def application_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_get_for_staff(user=request.user, pk=pk)
    form = RemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_labelled(form))
    else:
        staff_action_run(
            request,
            lambda: application_remove(
                application=application,
                reason=form.cleaned_data["reason"],
                actor=request.user,
                note=form.cleaned_data["note"],
            ),
            _("The application is removed from the queue."),
        )
    return redirect("queue_staff:application", pk=pk)


@require_http_methods(["GET", "POST"])
@capability_required(MANAGE_QUEUES)
def application_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_get_for_staff(user=request.user, pk=pk)
    form = CorrectForm(request.POST or None, application=application)
    if request.method == "POST" and form.is_valid():
        try:
            application_correct(
                application=application,
                changes=form.changes(),
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except Refusal as refusal:
            form.add_error(None, refusal_text(refusal))
        else:
            messages.success(request, _("The record is corrected."))
            return redirect("queue_staff:application", pk=pk)
    return render(
        request,
        "queues/staff/application_correct.html",
        {"application": application, "form": form},
        status=400 if request.method == "POST" else 200,
    )
