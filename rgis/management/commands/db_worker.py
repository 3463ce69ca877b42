"""`manage.py db_worker`: django_tasks_db's worker, with a lease on each running job.

Same name and options as the library's command (ours wins: "rgis" comes before
"django_tasks_db" in INSTALLED_APPS), so scripts/serve.sh, docker/compose.yml and every
habit keep working. What it adds (rgis.jobs): the running job's advisory lock, held on a
connection of the worker's own and taken before the claim commits; and, at start-up and
every RGIS_JOB_ORPHAN_CHECK_SECONDS, the requeueing of jobs whose worker vanished.
"""

import logging
import os
import random
import time
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.db.utils import OperationalError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from rgis.jobs import LEASED_WORKER_PREFIX, JobLease, jobs_orphaned_requeue

logger = logging.getLogger("django_tasks_db")


class LeasingWorker(db_worker.Worker):
    """The library's worker loop, claiming each job together with its lease."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lease = JobLease()
        self.orphans_checked_at = float("-inf")

    def orphans_requeue(self) -> None:
        if time.monotonic() - self.orphans_checked_at < settings.RGIS_JOB_ORPHAN_CHECK_SECONDS:
            return
        self.orphans_checked_at = time.monotonic()
        jobs_orphaned_requeue(backend_name=self.backend_name)

    def claim_next(self) -> tuple[DBTaskResult | None, bool]:
        """The next ready job, claimed and leased; and whether the queue could be read."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is None:
                    return None, True
                # The lease first: a job is never seen RUNNING without one.
                if not self.lease.take(task_result.id):
                    return None, True
                try:
                    task_result.claim(self.worker_id)
                except BaseException:
                    self.lease.give_up(task_result.id)
                    raise
            return task_result, True
        except OperationalError as error:
            if db_worker.is_locked_database_exception(error):
                return None, False
            raise

    def run(self) -> None:
        # The library's Worker.run, with claim_next and the look for orphans.
        logger.info(
            "Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names)
        )
        self.lease.open()
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 - spreads a thundering herd
        while self.running:
            close_old_connections()
            self.orphans_requeue()
            task_result, retrieved = self.claim_next()
            if task_result is not None:
                try:
                    self.run_task(task_result)
                finally:
                    # After run_task saved the outcome: the job is finished before its
                    # lease goes, so nobody takes it for an orphan.
                    self.lease.give_up(task_result.id)
            if self.batch and retrieved and task_result is None:
                logger.info("No more tasks to run for worker_id=%s - exiting.", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info("Run maximum tasks (%d) on worker=%s.", self._run_tasks, self.worker_id)
                return
            close_old_connections()
            if self.running and not task_result:
                time.sleep(self.interval)


class Command(db_worker.Command):
    help = "Run a database background worker whose jobs hold a lease (see rgis.jobs)"

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        reload = options["reload"]
        if reload and options["batch"]:
            reload = False
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        queue_names = options["queue_name"].split(",")
        if excluded and "*" not in queue_names:
            raise db_worker.CommandError("--exclude-queues can only be used with --queue-name=*")
        worker_id = options["worker_id"] or get_random_string(32)
        worker = LeasingWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=(LEASED_WORKER_PREFIX + worker_id)[:64],
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
