"""The web page and the API doors of the import core (the browser journey is in tests/browser)."""

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from geodata.models import ImportJob, LayerVersion, Plan
from geodata.samples import parcel_grid, shapefile_zip
from tests.conftest import PASSWORD
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def office_zip(tmp_path):
    return shapefile_zip(parcel_grid(30, invalid_every=10), tmp_path / "Тараз ПДП.zip")


def upload(path):
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/zip")


def basic(username):
    token = base64.b64encode(f"{username}:{PASSWORD}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}", "HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_upload_page_shows_the_preview_of_an_office_shapefile(staff_client, office_zip):
    client, _user = staff_client("planner")
    response = client.post("/en/staff/imports/new/", {"file": upload(office_zip)})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Тараз ПДП.zip" in page
    assert "data-feature-count>30<" in page
    assert "cp1251" in page and "detected: the file does not say" in page
    assert "EPSG:28412" in page
    assert "Жилая зона индивидуальной застройки" in page  # the attribute table, decoded
    assert 'class="folium-map"' in page  # the preview map


def test_a_bad_upload_is_refused_on_the_page_and_nothing_is_kept(staff_client, tmp_path):
    client, _user = staff_client("planner")
    fake = tmp_path / "plan.zip"
    fake.write_text("not a zip at all")
    response = client.post("/en/staff/imports/new/", {"file": upload(fake)})
    assert response.status_code == 400
    assert "“plan.zip” is not a zip archive" in response.content.decode()
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize("role", ["queue_officer", "appeals_operator", "moderator"])
def test_only_planners_may_import(staff_client, role):
    client, _user = staff_client(role)
    assert client.get("/en/staff/imports/new/").status_code == 403
    assert client.post("/api/imports/", {}).status_code == 403


def test_a_file_without_prj_asks_for_the_crs_then_imports_with_it(staff_client, tmp_path):
    client, _user = staff_client("planner")
    archive = shapefile_zip(parcel_grid(10), tmp_path / "noprj.zip", keep_prj=False)
    response = client.post("/en/staff/imports/new/", {"file": upload(archive)})
    page = client.get(response.url).content.decode()
    assert "Unknown: the file has no .prj. Choose one below." in page
    job = ImportJob.objects.get()
    refused = client.post(
        response.url,
        {
            "start": "1",
            "plan": "__new__",
            "new_plan_slug": "pdp-1",
            "new_plan_kind": "detailed_plan",
            "new_plan_name_kk": "ЕЖЖ 1",
            "new_plan_name_ru": "ПДП 1",
            "layer_slug": "parcels",
            "layer_kind": "parcels",
            "encoding": "cp1251",
        },
    )
    assert refused.status_code == 400
    assert "choose one before importing" in refused.content.decode()
    assert not Plan.objects.exists()  # the refused start left no empty plan behind
    client.post(response.url, {"inspect": "1", "crs": "EPSG:28412", "encoding": "cp1251"})
    job.refresh_from_db()
    assert job.inspection["crs"]["chosen"] == "EPSG:28412"
    assert job.inspection["preview"]["features"]


def test_the_api_imports_with_basic_auth_and_reports_progress(client, office_zip):
    StaffUserFactory(username="planner1", role="planner")
    created = client.post("/api/imports/", {"file": upload(office_zip)}, **basic("planner1"))
    assert created.status_code == 201
    body = created.json()
    assert body["inspection"]["feature_count"] == 30
    assert body["inspection"]["encoding"]["chosen"] == "cp1251"
    started = client.post(
        f"/api/imports/{body['id']}/start",
        {"plan": "pdp-sauleet", "layer": "parcels", "layer_kind": "parcels"},
        **basic("planner1"),
    )
    assert started.status_code == 202
    assert started.json()["status"] == "queued"
    # The worker's side, in-process here (tests/geodata covers the real worker).
    from geodata.importing.worker import import_job_run

    import_job_run(job_id=body["id"])
    done = client.get(f"/api/imports/{body['id']}", **basic("planner1")).json()
    assert done["status"] == "succeeded"
    assert done["progress"]["percent"] == 100
    assert done["report"]["geometry"]["repaired"] == 3
    assert LayerVersion.objects.get(published_at__isnull=True).feature_count == 30
    assert not LayerVersion.objects.filter(is_current=True).exists()  # not public yet


def test_the_api_refuses_clearly(client, db, office_zip):
    StaffUserFactory(username="planner1", role="planner")
    assert client.post("/api/imports/", {}, **basic("planner1")).json() == {
        "error": "Attach the file in the form field “file”."
    }
    wrong = {
        **basic("planner1"),
        "HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"planner1:nope").decode(),
    }
    assert client.post("/api/imports/", {}, **wrong).status_code == 401
    # A browser session must send the CSRF token on writes.
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(StaffUserFactory(role="planner"))
    refused = browser.post("/api/imports/", {"file": upload(office_zip)}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["error"]


def test_refusals_come_in_the_planners_language(client, tmp_path):
    StaffUserFactory(username="planner1", role="planner")
    fake = tmp_path / "a.docx"
    fake.write_bytes(b"x")
    answer = client.post(
        "/api/imports/",
        {"file": upload(fake)},
        **{**basic("planner1"), "HTTP_ACCEPT_LANGUAGE": "ru"},
    ).json()["error"]
    with translation.override("ru"):
        from django.utils.translation import gettext

        english = (
            "Files of type “%(suffix)s” are not accepted. Upload a zipped shapefile, a "
            "GeoPackage (.gpkg), GeoJSON or KML/KMZ."
        )
        assert answer == gettext(english) % {"suffix": ".docx"}


def test_the_api_refuses_a_bad_plan_code_with_the_reason(client, office_zip):
    StaffUserFactory(username="planner1", role="planner")
    created = client.post("/api/imports/", {"file": upload(office_zip)}, **basic("planner1"))
    answer = client.post(
        f"/api/imports/{created.json()['id']}/start",
        {"plan": "план Сәулет!", "layer": "parcels"},
        **basic("planner1"),
    )
    assert answer.status_code == 400
    assert answer.json()["error"].startswith("slug: ")
    assert not Plan.objects.exists()


def test_plans_and_layers_made_by_an_import_are_in_the_audit_log(client, office_zip):
    from staff.models import AuditEntry

    planner = StaffUserFactory(username="planner1", role="planner")
    created = client.post("/api/imports/", {"file": upload(office_zip)}, **basic("planner1"))
    client.post(
        f"/api/imports/{created.json()['id']}/start",
        {"plan": "pdp-2", "layer": "parcels"},
        **basic("planner1"),
    )
    actions = set(AuditEntry.objects.filter(actor=planner).values_list("action", flat=True))
    assert {"plan.create", "layer.create", "layer.import_queued"} <= actions
