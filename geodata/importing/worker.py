"""The worker's side of an import job: run the import with progress, or fail it when lost.

The planners' side (upload, inspect, queue) is in geodata.services; the task that calls
these is in geodata.tasks.
"""

import logging
import time
from pathlib import Path
from typing import Any
from uuid import UUID

from django.db import connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from geodata.importing.core import ImportOptions, layer_import
from geodata.importing.errors import ImportRejected
from geodata.models import ImportJob, LayerVersion

logger = logging.getLogger(__name__)
PROGRESS_EVERY_SECONDS = 0.5
# The states a worker runs an import from (RUNNING: the worker of an earlier run died).
RERUNNABLE = (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)


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
                    commit=True,
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
        row = cursor.fetchone()
    return bool(row and row[0])


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


def _finish(
    job: ImportJob,
    *,
    status: str,
    error: str = "",
    version: LayerVersion | None = None,
    report: dict[str, Any] | None = None,
) -> None:
    updates: dict[str, Any] = {"status": status, "finished_at": timezone.now(), "error": error}
    if version is not None and report is not None:
        updates["version"] = version
        updates["progress_done"] = report["feature_count"]
        updates["progress_total"] = report["feature_count"]
        updates["inspection"] = {**job.inspection, "report": report}
    ImportJob.objects.filter(pk=job.pk).update(**updates)
