from uuid import UUID

from django_tasks import task

from geodata.jobs import import_job_abandon, import_job_run
from rgis.jobs import job_abandoned_handler


@task(queue_name="imports")
def import_job_run_task(job_id: str) -> str:
    """Background side of an upload: import it as a new layer version."""
    job = import_job_run(job_id=UUID(job_id))
    return job.status


@job_abandoned_handler(import_job_run_task)
def import_job_run_abandoned(job_id: str) -> None:
    """The workers running an import kept dying: the planner sees it failed."""
    import_job_abandon(job_id=UUID(job_id))
