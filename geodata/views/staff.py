"""Planners' pages: upload a file, check the preview, import it, watch the progress."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from geodata.forms import ImportOptionsForm, ImportTargetForm, UploadForm
from geodata.import_selectors import import_job_progress, version_url, versions_to_publish
from geodata.importing.core import ImportOptions
from geodata.models import ImportJob
from geodata.selectors import version_column_choices, versions_awaiting_publication
from geodata.services import (
    MANAGE_PLANS,
    PUBLISH_PLANS,
    import_job_create,
    import_job_reinspect,
    import_job_start_into,
    layer_version_publish,
)
from rgis.errors import Refusal
from rgis.geojson import features_bounds
from rgis.maps.render import features_map_render
from rgis.staff_actions import capability_required, refusal_text


@require_http_methods(["GET", "POST"])
@capability_required(MANAGE_PLANS)
def import_new(request: HttpRequest) -> HttpResponse:
    """Upload a file; it is inspected at once and the planner lands on its preview."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(
                upload=form.cleaned_data["file"],
                user=request.user,  # type: ignore[arg-type]  # signed in (capability_required)
                options=ImportOptions(),
                language=get_language() or "kk",
            )
        except Refusal as refusal:
            form.add_error("file", refusal_text(refusal))
        else:
            return redirect("imports:detail", job_id=job.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "geodata/import_new.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@capability_required(MANAGE_PLANS)
def import_detail(request: HttpRequest, job_id: UUID) -> HttpResponse:
    """The preview of an upload: check it again with other choices, or start the import."""
    job = get_object_or_404(ImportJob, pk=job_id)
    inspection = job.inspection
    initial_options = {
        "encoding": (inspection.get("encoding") or {}).get("chosen") or "",
        "crs": job.options.get("crs") or "",
        "source_layer": inspection.get("layer") or "",
    }
    options_form = ImportOptionsForm(
        request.POST or None, inspection=inspection, initial=initial_options
    )
    target_form = ImportTargetForm(request.POST if "start" in request.POST else None)
    if request.method == "POST" and options_form.is_valid():
        options = options_form.options()
        try:
            if "start" in request.POST:
                if target_form.is_valid():
                    import_job_start_into(
                        job=job,
                        target=target_form.target(),
                        options=options,
                        user=request.user,  # type: ignore[arg-type]  # signed in (capability_required)
                    )
                    return redirect("imports:detail", job_id=job.pk)
            else:
                import_job_reinspect(job=job, options=options)
                messages.success(request, _("Checked again with your choices."))
                return redirect("imports:detail", job_id=job.pk)
        except Refusal as refusal:
            options_form.add_error(None, refusal_text(refusal))
    job.refresh_from_db()
    preview = job.inspection.get("preview")
    preview_map = None
    if preview and preview.get("features"):
        preview_map = features_map_render(preview, bounds=features_bounds(preview["features"]))
    fields = job.inspection.get("fields", [])
    rows = [[row.get(name) for name in fields] for row in job.inspection.get("rows", [])]
    return render(
        request,
        "geodata/import_detail.html",
        {
            "job": job,
            "rows": rows,
            "version_url": version_url(job),
            "inspection": job.inspection,
            "options_form": options_form,
            "target_form": target_form,
            "progress": import_job_progress(job),
            "preview_map": preview_map,
            "busy": job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET"])
@capability_required(PUBLISH_PLANS)
def versions_awaiting(request: HttpRequest) -> HttpResponse:
    """Imported versions the public does not see yet."""
    return render(
        request,
        "geodata/versions_awaiting.html",
        {"versions": versions_awaiting_publication()},
    )


@require_http_methods(["GET", "POST"])
@capability_required(PUBLISH_PLANS)
def version_publish(request: HttpRequest, version_id: int) -> HttpResponse:
    """Choose the public columns of an imported version and publish it."""
    version = get_object_or_404(versions_to_publish(), pk=version_id)
    error = ""
    if request.method == "POST":
        try:
            layer_version_publish(
                version=version,
                public_fields=request.POST.getlist("public_fields"),
                actor=request.user,  # type: ignore[arg-type]  # signed in (capability_required)
            )
        except Refusal as refusal:
            error = refusal_text(refusal)
        else:
            messages.success(
                request,
                _("Version %(number)s of %(layer)s is public now.")
                % {"number": version.number, "layer": version.layer},
            )
            return redirect(
                "plans:version", version.layer.plan.slug, version.layer.slug, version.number
            )
    return render(
        request,
        "geodata/version_publish.html",
        {
            "version": version,
            "columns": version_column_choices(version),
            "error": error,
        },
        status=400 if error else 200,
    )
