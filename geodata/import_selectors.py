"""Reads of the planners' import pages and API: a job's progress, where its version is.

They belong with geodata.selectors; kept apart while that module is being reworked.
"""

from typing import TypedDict

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from geodata.models import ImportJob, LayerVersion, Plan


class ImportProgress(TypedDict):
    done: int
    total: int
    percent: int
    seconds_left: int | None


def import_job_progress(job: ImportJob) -> ImportProgress:
    """Percent, features done and an estimate of the time left, for the page and the API."""
    total = max(job.progress_total, 0)
    done = min(job.progress_done, total) if total else job.progress_done
    percent = (
        100
        if job.status == ImportJob.Status.SUCCEEDED
        else (int(done * 100 / total) if total else 0)
    )
    seconds_left = None
    if job.status == ImportJob.Status.RUNNING and job.started_at and done:
        elapsed = (timezone.now() - job.started_at).total_seconds()
        seconds_left = int(elapsed / done * (total - done)) if total > done else 0
    return {"done": done, "total": total, "percent": percent, "seconds_left": seconds_left}


def version_url(job: ImportJob) -> str | None:
    """Where the version an import made is looked at next: its publish page until it is
    published, then its public page."""
    if job.version is None:
        return None
    version = job.version
    try:
        if not version.is_published:
            return reverse("imports:publish", args=[version.pk])
        return reverse(
            "plans:version",
            args=[version.layer.plan.slug, version.layer.slug, version.number],
        )
    except NoReverseMatch:
        return None


def versions_to_publish() -> QuerySet[LayerVersion]:
    """Layer versions with what the publish page shows of them (layer, plan, uploader)."""
    return LayerVersion.objects.select_related("layer__plan", "uploaded_by")


def plans_to_import_into() -> QuerySet[Plan]:
    """The plans an upload may go into: every plan not archived."""
    return Plan.objects.exclude(status=Plan.Status.ARCHIVED)
