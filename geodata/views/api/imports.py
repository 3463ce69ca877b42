"""The import API: the same core as the planners' page and the import_layer command."""

from typing import Any
from uuid import UUID

from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from geodata.import_selectors import import_job_progress, version_url
from geodata.importing.core import ImportOptions
from geodata.models import ImportJob, Layer, LayerVersion, Plan
from geodata.services import (
    MANAGE_PLANS,
    PUBLISH_PLANS,
    ImportTarget,
    import_job_create,
    import_job_reinspect,
    import_job_start_into,
    layer_version_publish,
)
from rgis.api import ApiError, api_view


def _options(request: HttpRequest) -> ImportOptions:
    return ImportOptions(
        encoding=request.POST.get("encoding") or None,
        crs=request.POST.get("crs") or None,
        source_layer=request.POST.get("source_layer") or None,
    )


def job_json(job: ImportJob) -> dict[str, Any]:
    """What the API says of a job: status, progress, inspection, report, version page."""
    progress = import_job_progress(job)
    inspection = {k: v for k, v in job.inspection.items() if k not in ("preview", "report")}
    return {
        "id": str(job.pk),
        "status": job.status,
        "status_label": job.get_status_display(),
        "source_filename": job.source_filename,
        "progress": progress,
        "seconds_left_label": (
            _("about %(s)s s left") % {"s": progress["seconds_left"]}
            if progress["seconds_left"] is not None
            else ""
        ),
        "error": job.error or None,
        "inspection": inspection,
        "report": job.inspection.get("report"),
        "version_url": version_url(job),
    }


@api_view(capability=MANAGE_PLANS, methods=("POST",))
def import_create(request: HttpRequest) -> JsonResponse:
    """Upload a file (multipart field `file`); answers with what the file holds."""
    upload = request.FILES.get("file")
    if upload is None:
        raise ApiError(_("Attach the file in the form field “file”."))
    job = import_job_create(
        upload=upload,
        user=request.user,  # type: ignore[arg-type]  # signed in (api_view)
        options=_options(request),
        language=get_language() or "kk",
    )
    return JsonResponse(job_json(job), status=201, json_dumps_params={"ensure_ascii": False})


@api_view(capability=MANAGE_PLANS)
def import_detail(request: HttpRequest, job_id: UUID) -> dict[str, Any]:
    """Status, progress (percent, features done, time left), report or error."""
    return job_json(get_object_or_404(ImportJob, pk=job_id))


@api_view(capability=MANAGE_PLANS, methods=("POST",))
def import_inspect(request: HttpRequest, job_id: UUID) -> dict[str, Any]:
    """Read the upload again with another encoding, CRS or layer."""
    job = import_job_reinspect(
        job=get_object_or_404(ImportJob, pk=job_id), options=_options(request)
    )
    return job_json(job)


@api_view(capability=MANAGE_PLANS, methods=("POST",))
def import_start(request: HttpRequest, job_id: UUID) -> JsonResponse:
    """Queue the import into plan `plan` / layer `layer` (both created when missing)."""
    job = get_object_or_404(ImportJob, pk=job_id)
    plan_slug, layer_slug = request.POST.get("plan", ""), request.POST.get("layer", "")
    if not plan_slug or not layer_slug:
        raise ApiError(_("Give the plan code (“plan”) and the layer code (“layer”)."))
    plan_kind = request.POST.get("plan_kind") or Plan.Kind.DETAILED_PLAN
    layer_kind = request.POST.get("layer_kind") or Layer.Kind.OTHER
    if plan_kind not in Plan.Kind.values or layer_kind not in Layer.Kind.values:
        raise ApiError(_("Unknown plan or layer kind."))
    job = import_job_start_into(
        job=job,
        target=ImportTarget(
            plan_slug=plan_slug,
            layer_slug=layer_slug,
            plan_kind=plan_kind,
            layer_kind=layer_kind,
            plan_name_kk=request.POST.get("plan_name_kk", ""),
            plan_name_ru=request.POST.get("plan_name_ru", ""),
            layer_name_kk=request.POST.get("layer_name_kk", ""),
            layer_name_ru=request.POST.get("layer_name_ru", ""),
        ),
        options=_options(request),
        user=request.user,  # type: ignore[arg-type]  # signed in (api_view)
    )
    return JsonResponse(job_json(job), status=202, json_dumps_params={"ensure_ascii": False})


@api_view(capability=PUBLISH_PLANS, methods=("POST",))
def version_publish(request: HttpRequest, version_id: int) -> dict[str, Any]:
    """Publish an imported version; `public_fields` (repeated) are the columns to show,
    none given: every column but those that look like personal data."""
    version = get_object_or_404(LayerVersion, pk=version_id)
    chosen = [name for name in request.POST.getlist("public_fields") if name]
    published = layer_version_publish(
        version=version,
        public_fields=chosen if "public_fields" in request.POST else None,
        actor=request.user,  # type: ignore[arg-type]  # signed in (api_view)
    )
    return {
        "version_id": published.pk,
        "layer": str(published.layer),
        "version": published.number,
        "published_at": published.published_at.isoformat() if published.published_at else None,
        "public_fields": published.public_fields,
        "hidden_fields": published.hidden_fields,
    }
