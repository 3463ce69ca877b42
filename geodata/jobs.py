"""Import jobs: an upload is inspected, then imported by a background worker with progress."""

import logging
import time
from pathlib import Path
from uuid import UUID

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from geodata.importing.core import ImportOptions, layer_import, source_inspect
from geodata.importing.errors import ImportRejected
from geodata.models import ImportJob, Layer, LayerVersion
from rgis.jobs import job_enqueue_on_commit
from staff.services import audit_record

logger = logging.getLogger(__name__)
PROGRESS_EVERY_SECONDS = 0.5
# A failed import changed nothing: the planner may fix the options and start it again.
RESTARTABLE = (ImportJob.Status.INSPECTED, ImportJob.Status.FAILED)
# The states a worker runs an import from (RUNNING: the worker of an earlier run died).
RERUNNABLE = (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)


def import_job_create(
    *, upload: UploadedFile, user: User | None, options: ImportOptions, language: str
) -> ImportJob:
    """Store an upload and inspect it; a file that cannot be imported leaves nothing behind."""
    job = ImportJob(created_by=user, source_filename=Path(upload.name or "upload").name)
    job.options = {**options.as_dict(), "language": language}
    job.source_file.save(job.source_filename, upload, save=False)
    try:
        job.inspection = source_inspect(Path(job.source_file.path), job.source_filename, options)
    except ImportRejected:
        job.source_file.delete(save=False)
        raise
    job.save()
    return job


def import_job_reinspect(*, job: ImportJob, options: ImportOptions) -> ImportJob:
    """Inspect again with the planner's encoding, CRS or layer choice."""
    if job.status not in RESTARTABLE:
        raise ImportRejected(_("This upload has already been imported or is importing."))
    job.inspection = source_inspect(Path(job.source_file.path), job.source_filename, options)
    job.options = {**job.options, **options.as_dict()}
    job.save(update_fields=["inspection", "options"])
    return job


def import_job_start(
    *, job: ImportJob, layer: Layer, options: ImportOptions, user: User | None
) -> ImportJob:
    """Queue the import of an inspected upload into `layer`; a worker runs it."""
    if job.status not in RESTARTABLE:
        raise ImportRejected(_("This upload has already been imported or is importing."))
    if not (options.crs or job.inspection.get("crs", {}).get("chosen")):
        raise ImportRejected(
            _("The file does not say its coordinate system: choose one before importing.")
        )
    with transaction.atomic():
        job.layer = layer
        job.options = {**job.options, **options.as_dict()}
        job.status = ImportJob.Status.QUEUED
        job.progress_total = int(job.inspection.get("feature_count") or 0)
        job.save()
        audit_record(
            actor=user,
            action="layer.import_queued",
            instance=layer,
            after={"job": str(job.pk), "file": job.source_filename, "options": job.options},
        )
        from geodata.tasks import import_job_run_task

        job_enqueue_on_commit(import_job_run_task, str(job.pk))
    return job


class _ProgressWriter:
    """Writes progress on its own connection, so the page sees it while the import's
    transaction is still open (and could still roll back)."""

    def __init__(self, job_id: UUID) -> None:
        self.job_id = job_id
        self.connection = connections.create_connection("default")
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_EVERY_SECONDS and done < total:
            return
        self.last = now
        with self.connection.cursor() as cursor:
            cursor.execute(
                "UPDATE geodata_importjob SET progress_done = %s, progress_total = %s "
                "WHERE id = %s",
                [done, total, self.job_id],
            )

    def close(self) -> None:
        self.connection.close()


def import_job_run(*, job_id: UUID) -> ImportJob:
    """Run a queued import (in the worker): the whole import commits or nothing does."""
    job = ImportJob.objects.select_related("layer", "created_by").get(pk=job_id)
    # RUNNING too: a run whose worker died left it so, and nothing else (its transaction
    # rolled back); the job is run again (rgis.jobs), and this run finishes the import.
    if job.status not in RERUNNABLE or job.layer is None:
        return job
    ImportJob.objects.filter(pk=job.pk, status__in=RERUNNABLE).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    progress = _ProgressWriter(job.pk)
    with translation.override(job.options.get("language") or "kk"):
        try:
            # The import and the job's success commit together: a run killed at any point
            # leaves the job unfinished and no version, so the next run imports it once.
            with transaction.atomic():
                if not _import_lock_take(job) or not _still_to_import(job):
                    return job  # another run of this import is under way, or has done it
                report = layer_import(
                    upload=Path(job.source_file.path),
                    original_name=job.source_filename,
                    layer=job.layer,
                    options=ImportOptions.from_dict(job.options),
                    user=job.created_by,
                    progress=progress,
                )
                version = LayerVersion.objects.get(pk=report["version_id"])
                _finish(job, status=ImportJob.Status.SUCCEEDED, version=version, report=report)
        except ImportRejected as refusal:
            _finish(job, status=ImportJob.Status.FAILED, error=str(refusal))
        except Exception:
            logger.exception("Import job %s failed", job.pk)
            _finish(
                job,
                status=ImportJob.Status.FAILED,
                error=_(
                    "The import failed on the server and nothing was changed. Try again; if "
                    "it fails again, tell the portal administrators (job %(job)s)."
                )
                % {"job": job.pk},
            )
        finally:
            progress.close()
    job.refresh_from_db()
    return job


def _import_lock_take(job: ImportJob) -> bool:
    """Hold this import's lock for the transaction; False if a run elsewhere holds it."""
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(hashtextextended(%s, 0))", [f"import:{job.pk}"]
        )
        return bool(cursor.fetchone()[0])


def _still_to_import(job: ImportJob) -> bool:
    return ImportJob.objects.filter(pk=job.pk, status__in=RERUNNABLE, version=None).exists()


def import_job_abandon(*, job_id: UUID) -> None:
    """Its workers died too often (rgis.jobs gave the job up): fail it for the planner."""
    ImportJob.objects.filter(pk=job_id, status__in=RERUNNABLE).update(
        status=ImportJob.Status.FAILED,
        finished_at=timezone.now(),
        error=_(
            "The import stopped several times on the server (the worker running it was "
            "lost) and nothing was changed. Try again; if it stops again, tell the portal "
            "administrators (job %(job)s)."
        )
        % {"job": job_id},
    )


def _finish(job: ImportJob, *, status: str, error: str = "", version=None, report=None) -> None:
    updates = {"status": status, "finished_at": timezone.now(), "error": error}
    if version is not None:
        updates["version"] = version
        updates["progress_done"] = report["feature_count"]
        updates["progress_total"] = report["feature_count"]
        updates["inspection"] = {**job.inspection, "report": report}
    ImportJob.objects.filter(pk=job.pk).update(**updates)


def import_job_progress(job: ImportJob) -> dict:
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
