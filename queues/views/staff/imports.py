"""The bulk import of a register on the officers' pages: upload -> preview (the dry run's
report) -> confirm -> report of what was imported, pending a second officer's approval."""

import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from queues.forms import RegisterUploadForm
from queues.importing.core import register_import
from queues.importing.report import ImportReport
from queues.importing.uploads import upload_discard, upload_keep, upload_read
from queues.selectors.staff import MANAGE_QUEUES, queue_get_for_staff
from rgis.errors import Refusal
from rgis.staff_actions import capability_required, refusal_text

SESSION_KEY = "queue_import"


@require_http_methods(["GET", "POST"])
@capability_required(MANAGE_QUEUES)
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
            form.add_error("file", refusal_text(refusal))
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
@capability_required(MANAGE_QUEUES)
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
            messages.error(request, refusal_text(refusal))
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
