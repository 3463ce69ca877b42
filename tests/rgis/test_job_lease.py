"""A job whose worker vanished runs again: real workers, one killed with SIGKILL mid-job."""

import signal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_tasks_db.models import DBTaskResult

from geodata.importing.core import ImportOptions
from geodata.models import Feature, ImportJob, LayerVersion
from geodata.services import import_job_create, import_job_start
from tests.factories import StaffUserFactory
from tests.geodata.files import feature, geojson_write, layer_create, square
from tests.rgis.workers import Worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)
FEATURES = 20000


@pytest.fixture
def media(settings, tmp_path, monkeypatch):
    """Uploads stored under tmp_path, for this process and the workers alike."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    monkeypatch.setenv("MEDIA_ROOT", str(root))
    return root


@pytest.fixture
def workers(tmp_path):
    started: list[Worker] = []

    def start(worker_id: str, **env: str) -> Worker:
        worker = Worker(
            tmp_path / f"{worker_id}.log",
            worker_id,
            RGIS_JOB_ORPHAN_CHECK_SECONDS="0.5",
            RGIS_IMPORT_BATCH_SIZE="500",  # progress to watch for, batch after batch
            **env,
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def _import_queued(tmp_path) -> ImportJob:
    path = geojson_write(
        tmp_path / "plots.geojson",
        [
            feature({"n": n}, square(71.2 + (n % 200) * 0.001, 42.8 + (n // 200) * 0.001))
            for n in range(FEATURES)
        ],
    )
    upload = SimpleUploadedFile(path.name, path.read_bytes(), "application/geo+json")
    job = import_job_create(upload=upload, user=None, options=ImportOptions(), language="en")
    return import_job_start(job=job, layer=layer_create(), options=ImportOptions(), user=None)


def test_an_import_whose_worker_is_killed_completes_once_on_another_worker(
    tmp_path, media, workers
):
    job = _import_queued(tmp_path)
    first, second = workers("first"), workers("second")

    # Whichever worker took the import: kill it once it is well into the features.
    wait_for(
        lambda: ImportJob.objects.filter(pk=job.pk, progress_done__gt=0).exists(),
        what="the import under way",
    )
    task = DBTaskResult.objects.get(task_path__endswith="import_job_run_task")
    taken_by, other = (first, second) if task.worker_ids == ["leased-first"] else (second, first)
    assert task.worker_ids == [f"leased-{taken_by.worker_id}"]
    job.refresh_from_db()
    assert 0 < job.progress_done < FEATURES, "the import must still be running when killed"
    taken_by.process.send_signal(signal.SIGKILL)
    taken_by.process.wait()

    # The other worker notices the job has no worker, runs it again, and finishes it.
    wait_for(
        lambda: ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.SUCCEEDED).exists(),
        seconds=180,
        what="the import finished",
    )
    # The worker marks the job done in its own commit, just after the import's.
    wait_for(
        lambda: DBTaskResult.objects.filter(pk=task.pk, status="SUCCESSFUL").exists(),
        what="the job marked done",
    )
    task.refresh_from_db()
    assert task.worker_ids == [f"leased-{taken_by.worker_id}", f"leased-{other.worker_id}"]
    version = LayerVersion.objects.get(layer=job.layer)  # one version: imported once
    job.refresh_from_db()
    assert job.version == version
    assert version.feature_count == FEATURES
    assert Feature.objects.filter(version=version).count() == FEATURES
    assert Feature.objects.count() == FEATURES
    assert "lost its worker leased-" in other.output()
    assert "Traceback" not in other.output()


def test_an_import_whose_workers_keep_dying_is_given_up_and_the_planner_told(
    tmp_path, media, workers
):
    job = _import_queued(tmp_path)
    first = workers("first", RGIS_JOB_MAX_ATTEMPTS="1")
    wait_for(
        lambda: ImportJob.objects.filter(pk=job.pk, progress_done__gt=0).exists(),
        what="the import under way",
    )
    first.process.send_signal(signal.SIGKILL)
    first.process.wait()
    workers("second", RGIS_JOB_MAX_ATTEMPTS="1")

    wait_for(
        lambda: ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.FAILED).exists(),
        what="the import given up",
    )
    job.refresh_from_db()
    # The worker writes the planner's message in the portal's language (Kazakh by default).
    with translation.override(settings.LANGUAGE_CODE):
        told = gettext(
            "The import stopped several times on the server (the worker running it was "
            "lost) and nothing was changed. Try again; if it stops again, tell the portal "
            "administrators (job %(job)s)."
        ) % {"job": job.pk}
    assert job.error == told
    assert not LayerVersion.objects.exists()
    task = wait_for(
        lambda: DBTaskResult.objects.filter(
            task_path__endswith="import_job_run_task", status="FAILED"
        ).first(),
        what="the job given up",
    )
    assert task.worker_ids == ["leased-first"]  # not run again


def test_a_job_that_kills_every_worker_is_given_up_and_shown_to_staff(workers):
    from tests.rgis.jobs_for_tests import kill_my_worker

    result = kill_my_worker.enqueue()
    for name in ("first", "second"):  # each takes it and dies with it
        worker = workers(name, RGIS_JOB_MAX_ATTEMPTS="2")
        wait_for(lambda w=worker: w.process.poll() is not None, what=f"{name} killed")
    workers("third", RGIS_JOB_MAX_ATTEMPTS="2")
    wait_for(
        lambda: DBTaskResult.objects.filter(pk=result.id, status="FAILED").exists(),
        what="the job given up",
    )
    task = DBTaskResult.objects.get(pk=result.id)
    assert task.worker_ids == ["leased-first", "leased-second"]

    admin = Client()
    admin.force_login(StaffUserFactory(role="administrator"))
    with translation.override("en"):
        page = admin.get(reverse("staff:outbox")).content.decode()
    assert "Background jobs given up" in page
    assert "tests.rgis.jobs_for_tests.kill_my_worker" in page
    assert str(task.pk) in page
