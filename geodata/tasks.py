"""The geodata app's background jobs and their enqueue helpers."""

from uuid import UUID

from django_tasks import task

from geodata.importing.worker import import_job_abandon, import_job_run
from geodata.models import ImportJob
from rgis.jobs import job_abandoned_handler, job_enqueue_on_commit


@task(queue_name="imports")
def import_job_run_task(job_id: str) -> str:
    """Background side of an upload: import it as a new layer version."""
    job = import_job_run(job_id=UUID(job_id))
    return job.status


def import_job_run_enqueue(job: ImportJob) -> None:
    """Have a worker run the queued import once the surrounding transaction commits."""
    job_enqueue_on_commit(import_job_run_task, str(job.pk))


@job_abandoned_handler(import_job_run_task)
def import_job_run_abandoned(job_id: str) -> None:
    """The workers running an import kept dying: the planner sees it failed."""
    import_job_abandon(job_id=UUID(job_id))
