"""The whole job path: upload stored and inspected, queued, imported by the real worker."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import override

from geodata.import_selectors import import_job_progress
from geodata.importing.core import ImportOptions
from geodata.importing.errors import ImportRejected
from geodata.models import Feature, ImportJob, LayerVersion
from geodata.services import import_job_create, import_job_start
from tests.factories import StaffUserFactory
from tests.geodata.files import layer_create, parcels_zip, zip_rewrite
from tests.rgis.test_jobs import run_worker_once


@pytest.fixture
def media(settings, tmp_path, monkeypatch):
    """Uploads stored under tmp_path, for this process and the worker alike."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    monkeypatch.setenv("MEDIA_ROOT", str(root))
    return root


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def uploaded(path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes(), "application/zip")


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_imported_by_the_worker_with_progress_to_the_end(tmp_path, media):
    planner = StaffUserFactory()
    upload = parcels_zip(tmp_path, 60, invalid_every=10)
    job = import_job_create(
        upload=uploaded(upload, "участки Сәулет.zip"),
        user=planner,
        options=ImportOptions(),
        language="en",
    )
    assert job.status == ImportJob.Status.INSPECTED
    assert job.inspection["feature_count"] == 60
    assert job.inspection["encoding"]["detected"] == "cp1251"
    assert len(stored_files(media)) == 1
    layer = layer_create()

    import_job_start(job=job, layer=layer, options=ImportOptions(), user=planner)
    assert ImportJob.objects.get().status == ImportJob.Status.QUEUED
    assert not LayerVersion.objects.exists()  # nothing imported before the worker runs
    worker = run_worker_once()

    assert worker.returncode == 0, worker.stderr
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED, job.error
    assert job.error == ""
    assert import_job_progress(job) == {
        "done": 60,
        "total": 60,
        "percent": 100,
        "seconds_left": None,
    }
    version = LayerVersion.objects.get(layer=layer)
    assert job.version == version
    assert not version.is_current and version.published_at is None  # awaits publishing
    assert version.uploaded_by == planner
    assert version.source_filename == "участки Сәулет.zip"
    assert version.feature_count == Feature.objects.filter(version=version).count() == 60
    assert job.inspection["report"]["geometry"]["repaired"] == 6


@pytest.mark.django_db(transaction=True)
def test_an_import_refused_in_the_worker_fails_the_job_with_the_reason(tmp_path, media):
    lying_cpg = zip_rewrite(
        parcels_zip(tmp_path, 20, keep_cpg=True),
        tmp_path / "lying.zip",
        lambda name, data: b"UTF-8" if name.endswith(".cpg") else data,
    )
    job = import_job_create(
        upload=uploaded(lying_cpg), user=None, options=ImportOptions(), language="en"
    )
    import_job_start(job=job, layer=layer_create(), options=ImportOptions(), user=None)

    worker = run_worker_once()

    assert worker.returncode == 0, worker.stderr
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.error.startswith("The .cpg file says the text is utf-8, but it does not read as")
    assert not LayerVersion.objects.exists()
    assert not Feature.objects.exists()


@pytest.mark.django_db
def test_a_rejected_upload_leaves_no_job_and_no_stored_file(tmp_path, media):
    not_a_zip = SimpleUploadedFile("plan.zip", b"this is a scanned letter", "application/zip")

    with override("en"), pytest.raises(ImportRejected) as refused:
        import_job_create(upload=not_a_zip, user=None, options=ImportOptions(), language="en")

    assert "is not a zip archive" in str(refused.value)
    assert not ImportJob.objects.exists()
    assert stored_files(media) == []


@pytest.mark.django_db
def test_a_file_without_a_crs_cannot_be_queued_until_one_is_chosen(tmp_path, media):
    job = import_job_create(
        upload=uploaded(parcels_zip(tmp_path, 5, keep_prj=False)),
        user=None,
        options=ImportOptions(),
        language="en",
    )
    layer = layer_create()

    with override("en"), pytest.raises(ImportRejected) as refused:
        import_job_start(job=job, layer=layer, options=ImportOptions(), user=None)

    assert str(refused.value) == (
        "The file does not say its coordinate system: choose one before importing."
    )
    assert ImportJob.objects.get().status == ImportJob.Status.INSPECTED

    import_job_start(job=job, layer=layer, options=ImportOptions(crs="EPSG:28412"), user=None)

    assert ImportJob.objects.get().status == ImportJob.Status.QUEUED
    assert ImportJob.objects.get().options["crs"] == "EPSG:28412"
