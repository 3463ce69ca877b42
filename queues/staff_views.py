"""Queue officers' pages: queues, the head of the queue, applications and their history,
the actions (verify, offer, draw lots, accept, refuse, remove, correct) and the bulk import.

Thin: each POST validates a form, calls one service, tells the outcome with a message in
the officer's language and redirects (POST-redirect-GET). Personal data (names, IINs,
contacts) appear on these pages only, behind the manage_queues capability.
"""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from queues.forms import (
    ApplicationRegisterForm,
    CorrectForm,
    DrawForm,
    OfferForm,
    RefusalForm,
    RegisterUploadForm,
    RemoveForm,
)
from queues.importing.core import register_import
from queues.importing.report import ImportReport
from queues.importing.uploads import upload_discard, upload_keep, upload_read
from queues.models import Application, Offer
from queues.selectors.applications import (
    application_head,
    application_history,
    application_search,
    applications_pending,
    register_batches_pending,
)
from queues.selectors.positions import application_position, application_positions
from queues.selectors.staff import (
    application_get_for_staff,
    iin_masked,
    offer_get_for_staff,
    queue_get_for_staff,
    queue_list_with_counts,
    queues_for_staff,
)
from queues.services.applications import (
    application_correct,
    application_iin_read,
    application_register,
    application_verify,
)
from queues.services.backdating import application_backdate_decide, register_batch_decide
from queues.services.draws import lots_draw
from queues.services.offers import offer_accept, offer_to_head
from queues.services.refusals import (
    offer_refusal_confirm,
    offer_refusal_reject,
    offer_refusal_request,
)
from queues.services.removals import application_remove
from rgis.errors import Refusal
from staff.models import AuditEntry
from staff.roles import capability

MANAGE_QUEUES = capability("manage_queues")
ALLOCATE_PLOTS = capability("allocate_plots")
PAGE_SIZE = 50
HEAD_SIZE = 10


def _officer(view: Any) -> Any:
    return login_required(permission_required(MANAGE_QUEUES, raise_exception=True)(view))


def _allocator(view: Any) -> Any:
    return _officer(permission_required(ALLOCATE_PLOTS, raise_exception=True)(view))


def _with_iin(applications: list[Application]) -> list[Application]:
    # Masked: the full IIN is shown only on request, and that request is audited.
    for application in applications:
        application.iin = iin_masked(application)  # type: ignore[attr-defined]
    return applications


def _form_errors(form: Any) -> str:
    return " ".join(
        f"{form.fields[name].label}: {' '.join(errors)}"
        if name in form.fields
        else " ".join(errors)
        for name, errors in form.errors.items()
    )


@require_GET
@_officer
def queue_list(request: HttpRequest) -> HttpResponse:
    queues = queue_list_with_counts(queues_for_staff(request.user))
    return render(request, "queues/staff/queue_list.html", {"queues": queues})


@require_GET
@_officer
def queue_detail(request: HttpRequest, slug: str) -> HttpResponse:
    queue = queue_get_for_staff(user=request.user, slug=slug)
    status = request.GET.get("status", "")
    if status not in Application.Status.values:
        status = ""
    text = request.GET.get("q", "")[:100]
    applications = application_search(queue, status=status, text=text).select_related(
        "removal_reason", "parcel"
    )
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _with_iin(list(page.object_list))
    head = _with_iin(list(application_search(queue, status="waiting")[:HEAD_SIZE]))
    positions = application_positions(queue.pk, rows + head)
    for application in rows + head:
        application.position = positions.get(application.pk)  # type: ignore[attr-defined]
    offers = list(
        Offer.objects.filter(application__queue=queue, status=Offer.Status.OPEN)
        .select_related("application", "parcel")
        .order_by("expires_at")
    )
    can_allocate = request.user.has_perm(ALLOCATE_PLOTS)
    return render(
        request,
        "queues/staff/queue_detail.html",
        {
            "queue": queue,
            "page": page,
            "rows": rows,
            "head": head,
            "offers": offers,
            "status": status,
            "q": text,
            "statuses": Application.Status.choices,
            "offer_form": OfferForm(queue=queue, initial={"application": head[0].pk})
            if head and can_allocate
            else None,
            "draw_form": DrawForm(queue=queue) if head and can_allocate else None,
        },
    )


@require_http_methods(["GET", "POST"])
@_officer
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
            form.add_error(None, str(refusal))
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
    _with_iin([application])
    open_offer = (
        application.offers.filter(status=Offer.Status.OPEN)
        .select_related("parcel", "refusal_requested_by")
        .first()
    )
    head = application_head(application.queue)
    can_allocate = request.user.has_perm(ALLOCATE_PLOTS)
    offer_form = None
    if can_allocate and head is not None and head.pk == application.pk:
        offer_form = OfferForm(queue=application.queue, initial={"application": application.pk})
    audit = AuditEntry.objects.filter(
        object_type="queues.application", object_id=str(application.pk)
    ).order_by("at", "id")
    return render(
        request,
        "queues/staff/application_detail.html",
        {
            "application": application,
            "position": application_position(application),
            "open_offer": open_offer,
            "offers": application.offers.select_related("parcel").order_by("offered_at"),
            "ledger": application_history(application),
            "audit": audit,
            "is_head": head is not None and head.pk == application.pk,
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
@_officer
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _application_page(request, application_get_for_staff(user=request.user, pk=pk))


@require_POST
@never_cache
@_officer
def application_iin_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The page with the full IIN, shown on the officer's request (audited), never cached."""
    application = application_get_for_staff(user=request.user, pk=pk)
    iin = application_iin_read(application=application, actor=request.user)
    return _application_page(request, application, iin=iin)


def _act(request: HttpRequest, action: Any, success: str) -> None:
    """Run one service call, telling the officer the outcome or the refusal."""
    try:
        action()
    except Refusal as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, success)


@require_POST
@_officer
def application_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_get_for_staff(user=request.user, pk=pk)
    _act(
        request,
        lambda: application_verify(application=application, actor=request.user),
        _("The documents are verified."),
    )
    return redirect("queue_staff:application", pk=pk)


@require_POST
@_officer
def application_backdate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A second officer approves or rejects a back-dated filing date."""
    application = application_get_for_staff(user=request.user, pk=pk)
    approve = request.POST.get("decision") == "approve"
    _act(
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
@_officer
def application_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = application_get_for_staff(user=request.user, pk=pk)
    form = RemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        _act(
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
@_officer
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
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The record is corrected."))
            return redirect("queue_staff:application", pk=pk)
    return render(
        request,
        "queues/staff/application_correct.html",
        {"application": application, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@_allocator
def queue_offer(request: HttpRequest, slug: str) -> HttpResponse:
    queue = queue_get_for_staff(user=request.user, slug=slug)
    form = OfferForm(request.POST, queue=queue)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("queue_staff:queue", slug=slug)
    expected = Application.objects.filter(pk=form.cleaned_data["application"], queue=queue).first()
    if expected is None:
        messages.error(request, _("This application is not at the head of the queue."))
        return redirect("queue_staff:queue", slug=slug)
    try:
        offer = offer_to_head(
            queue=queue,
            parcel=form.cleaned_data["parcel"],
            actor=request.user,
            application=expected,
        )
    except Refusal as refusal:
        messages.error(request, str(refusal))
        return redirect("queue_staff:queue", slug=slug)
    messages.success(
        request,
        _("Parcel %(parcel)s is offered to application %(number)s.")
        % {"parcel": offer.parcel.cadastral_number, "number": offer.application.number},
    )
    return redirect("queue_staff:application", pk=offer.application_id)


@require_POST
@_allocator
def queue_draw(request: HttpRequest, slug: str) -> HttpResponse:
    queue = queue_get_for_staff(user=request.user, slug=slug)
    form = DrawForm(request.POST, queue=queue)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("queue_staff:queue", slug=slug)
    try:
        draw = lots_draw(
            queue=queue,
            parcel=form.cleaned_data["parcel"],
            among=form.cleaned_data["among"],
            actor=request.user,
        )
    except Refusal as refusal:
        messages.error(request, str(refusal))
        return redirect("queue_staff:queue", slug=slug)
    messages.success(
        request,
        _(
            "Lots drawn among %(candidates)s with the seed %(seed)s: application %(winner)s "
            "wins and is offered the parcel."
        )
        % {
            "candidates": ", ".join(draw.candidates),
            "seed": draw.seed,
            "winner": draw.winner_number,
        },
    )
    winner = Application.objects.get(number=draw.winner_number)
    return redirect("queue_staff:application", pk=winner.pk)


@require_POST
@_allocator
def offer_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    offer = offer_get_for_staff(user=request.user, pk=pk)
    _act(
        request,
        lambda: offer_accept(offer=offer, actor=request.user),
        _("The parcel is allocated."),
    )
    return redirect("queue_staff:application", pk=offer.application_id)


@require_POST
@_allocator
def offer_refuse_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the applicant's signed refusal; a second officer confirms it."""
    offer = offer_get_for_staff(user=request.user, pk=pk)
    form = RefusalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        _act(
            request,
            lambda: offer_refusal_request(
                offer=offer,
                actor=request.user,
                document_number=form.cleaned_data["document_number"],
                document_date=form.cleaned_data["document_date"],
                reason=form.cleaned_data["reason"],
            ),
            _("The refusal is recorded. A second officer must confirm it."),
        )
    return redirect("queue_staff:application", pk=offer.application_id)


@require_POST
@_allocator
def offer_refusal_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    offer = offer_get_for_staff(user=request.user, pk=pk)
    try:
        passed = offer_refusal_confirm(offer=offer, actor=request.user)
    except Refusal as refusal:
        messages.error(request, str(refusal))
    else:
        if passed is None:
            messages.success(
                request, _("The refusal is confirmed. Nobody is left in line: the parcel is free.")
            )
        else:
            messages.success(
                request,
                _("The refusal is confirmed. The parcel is offered to %(number)s.")
                % {"number": passed.application.number},
            )
    return redirect("queue_staff:application", pk=offer.application_id)


@require_POST
@_allocator
def offer_refusal_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    offer = offer_get_for_staff(user=request.user, pk=pk)
    _act(
        request,
        lambda: offer_refusal_reject(offer=offer, actor=request.user),
        _("The recorded refusal is turned down: the offer stays open."),
    )
    return redirect("queue_staff:application", pk=offer.application_id)


# Bulk import: upload -> preview (dry run report) -> confirm -> report of what was imported.

SESSION_KEY = "queue_import"


@require_http_methods(["GET", "POST"])
@_officer
def register_upload(request: HttpRequest, slug: str) -> HttpResponse:
    queue = queue_get_for_staff(user=request.user, slug=slug)
    form = RegisterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            report = register_import(
                queue=queue, data=data, filename=upload.name, actor=request.user
            )
        except Refusal as refusal:
            form.add_error("file", str(refusal))
        else:
            token = upload_keep(data)
            request.session[SESSION_KEY] = {
                "token": token,
                "queue": queue.slug,
                "report": report.as_dict(),
            }
            return redirect("queue_staff:import_report", slug=slug)
    return render(
        request,
        "queues/staff/import_upload.html",
        {"queue": queue, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@_officer
def register_report(request: HttpRequest, slug: str) -> HttpResponse:
    queue = queue_get_for_staff(user=request.user, slug=slug)
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("queue") != queue.slug:
        messages.error(request, _("Upload the register file first."))
        return redirect("queue_staff:import", slug=slug)
    report = ImportReport.from_dict(kept["report"])
    if request.method == "POST" and not report.committed:
        data = upload_read(kept["token"])
        if data is None:
            messages.error(request, _("The uploaded file is gone: upload it again."))
            return redirect("queue_staff:import", slug=slug)
        try:
            report = register_import(
                queue=queue,
                data=data,
                filename=report.filename,
                actor=request.user,
                commit=True,
                backdate_document=request.POST.get("backdate_document", ""),
                backdate_document_date=_date_or_none(request.POST.get("backdate_document_date")),
                backdate_reason=request.POST.get("backdate_reason", ""),
            )
        except Refusal as refusal:
            messages.error(request, str(refusal))
        else:
            upload_discard(kept["token"])
            request.session[SESSION_KEY] = {**kept, "report": report.as_dict()}
            messages.success(
                request,
                _(
                    "%(count)d applications are imported, pending: they take their places in "
                    "line once a second officer approves the import."
                )
                % {"count": report.accepted},
            )
        return redirect("queue_staff:import_report", slug=slug)
    return render(
        request,
        "queues/staff/import_report.html",
        {
            "queue": queue,
            "report": report,
            "more_refused": report.refused_count - len(report.refused),
            "confirm_url": reverse("queue_staff:import_report", kwargs={"slug": slug}),
        },
    )


def _date_or_none(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((text or "").strip())
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
@_officer
def queue_pending(request: HttpRequest, slug: str) -> HttpResponse:
    """Back-dated registrations and imported registers awaiting a second officer."""
    queue = queue_get_for_staff(user=request.user, slug=slug)
    if request.method == "POST":
        approve = request.POST.get("decision") == "approve"
        try:
            count = register_batch_decide(
                queue=queue,
                batch=request.POST.get("batch", ""),
                actor=request.user,
                approve=approve,
            )
        except Refusal as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                (
                    _("The import is approved: %(count)d applications take their places in line.")
                    if approve
                    else _(
                        "The import is rejected: %(count)d applications are filed as of their "
                        "registration."
                    )
                )
                % {"count": count},
            )
        return redirect("queue_staff:pending", slug=slug)
    return render(
        request,
        "queues/staff/queue_pending.html",
        {
            "queue": queue,
            "batches": register_batches_pending(queue),
            "applications": applications_pending(queue)[:PAGE_SIZE],
        },
    )
