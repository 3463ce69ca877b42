"""Background jobs: Django's tasks API (django-tasks backport) on the database backend.

Workers (`manage.py db_worker`, ours: rgis/management/commands/db_worker.py) on any number
of machines share the one database; each claims a job with SELECT ... FOR UPDATE SKIP
LOCKED, so no two run it at once. While a job runs, its worker holds a lease on it: a
PostgreSQL advisory lock keyed by the job, on a connection of its own. A worker that dies
(SIGKILL, a crash, a lost machine) loses its connection and so the lock; the other workers
look for RUNNING jobs nobody holds (at start-up and every RGIS_JOB_ORPHAN_CHECK_SECONDS)
and put them back in the queue, at most RGIS_JOB_MAX_ATTEMPTS runs in all.
"""

import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# Our workers' ids start with this: only their jobs carry a lease. A job of a worker
# without one (an older release during an upgrade) is never taken for an orphan.
LEASED_WORKER_PREFIX = "leased-"
WORKER_LOST_CLASS = "rgis.jobs.WorkerLost"

_abandoned_handlers: dict[str, Callable[..., None]] = {}


def job_enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue a task once the surrounding transaction commits (at once outside one).

    A job enqueued inside a transaction that then rolls back must never run: it would
    act on data that does not exist.
    """
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


def job_abandoned_handler(task: Any) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register what to do when `task` is given up (its workers died too often).

    The handler gets the job's arguments, e.g. to mark an import failed for the planner.
    """

    def register(handler: Callable[..., None]) -> Callable[..., None]:
        _abandoned_handlers[task.module_path] = handler
        return handler

    return register


def job_lease_key(job_id: str | uuid.UUID) -> int:
    """The advisory-lock key of a job: the first 64 bits of its UUID, as a signed bigint."""
    high = uuid.UUID(str(job_id)).int >> 64
    return high - 2**64 if high >= 2**63 else high


class JobLease:
    """A worker's leases, held on a database connection of its own.

    Its own connection, not the job's: a job may close or lose its connection (or commit
    and reconnect) without giving up the lease. The server drops the connection of a
    vanished machine after about a minute (TCP keepalives set below), releasing its lock.
    """

    connection: Any = None

    def _query(self, sql: str, params: list) -> Any:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0] if cursor.description else None

    def open(self) -> None:
        """Connect now and tell the server to notice soon if this machine goes away."""
        # Made here, in the thread that runs the jobs (the autoreloader runs the worker
        # in a thread of its own), since Django's connections belong to one thread.
        self.connection = connections.create_connection("default")
        self.connection.ensure_connection()
        self._query("SET tcp_keepalives_idle = 20", [])
        self._query("SET tcp_keepalives_interval = 5", [])
        self._query("SET tcp_keepalives_count = 4", [])

    def take(self, job_id: str | uuid.UUID) -> bool:
        """Lease a job (between jobs, so no other lease is held: a lost connection is
        simply made again)."""
        if self.connection is None or not self.connection.is_usable():
            self.close()
            self.open()
        return bool(self._query("SELECT pg_try_advisory_lock(%s)", [job_lease_key(job_id)]))

    def give_up(self, job_id: str | uuid.UUID) -> None:
        try:
            self._query("SELECT pg_advisory_unlock(%s)", [job_lease_key(job_id)])
        except DatabaseError:
            logger.warning("Lease of job %s was lost with its connection", job_id)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def jobs_orphaned_requeue(*, backend_name: str = "default") -> list[str]:
    """Put RUNNING jobs whose worker vanished back in the queue (or fail them); their ids.

    Run by every worker, so it must be safe at once in several: each looks at a job under
    its row lock (SKIP LOCKED) and takes the job's lease for the rest of its transaction,
    so a job its worker still holds, or has just finished, is left alone.
    """
    requeued = []
    with transaction.atomic():
        running = (
            DBTaskResult.objects.running()
            .filter(backend_name=backend_name)
            .select_for_update(skip_locked=True)
            .order_by("started_at")
        )
        with connections["default"].cursor() as cursor:
            for job in running:
                if not job.worker_ids or not str(job.worker_ids[-1]).startswith(
                    LEASED_WORKER_PREFIX
                ):
                    continue
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [job_lease_key(job.id)])
                if not cursor.fetchone()[0]:
                    continue  # its worker is alive and holds it
                _orphan_settle(job)
                requeued.append(str(job.id))
    return requeued


def _orphan_settle(job: DBTaskResult) -> None:
    runs = len(job.worker_ids)
    if runs < settings.RGIS_JOB_MAX_ATTEMPTS:
        logger.warning(
            "Job %s (%s) lost its worker %s on run %s; queued again",
            job.id,
            job.task_path,
            job.worker_ids[-1],
            runs,
        )
        job.status = "READY"
        job.save(update_fields=["status"])
        return
    logger.error("Job %s (%s) lost its worker %s times; given up", job.id, job.task_path, runs)
    job.status = "FAILED"
    job.finished_at = timezone.now()
    job.exception_class_path = WORKER_LOST_CLASS
    job.traceback = (
        f"The worker running this job stopped (killed, crashed or lost) {runs} times; "
        f"given up after RGIS_JOB_MAX_ATTEMPTS={settings.RGIS_JOB_MAX_ATTEMPTS} runs."
    )
    job.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
    try:
        task = job.task  # imports the task's module, which registers its handler
    except ImportError:
        return
    handler = _abandoned_handlers.get(task.module_path)
    if handler is not None:
        handler(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])
