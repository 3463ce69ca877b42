from uuid import UUID

from django_tasks import task

from geodata.jobs import import_job_run


@task(queue_name="imports")
def import_job_run_task(job_id: str) -> str:
    """Background side of an upload: import it as a new layer version."""
    job = import_job_run(job_id=UUID(job_id))
    return job.status
