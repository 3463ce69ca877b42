"""A planner drops an office shapefile, checks the preview, fixes the encoding, imports it
and watches the progress reach 100 % while the real worker runs the job; then a plan
publisher chooses the public columns and publishes it."""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import expect

from geodata.models import LayerVersion
from geodata.samples import parcel_grid, shapefile_zip
from tests.conftest import PASSWORD
from tests.factories import StaffUserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def worker(settings, media):
    """The real db_worker on the test database, for the length of the test."""
    db = connection.settings_dict
    url = f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "rgis.settings.test",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
    )
    yield process
    process.terminate()
    process.wait(timeout=30)


def drop_file(page, selector: str, path: Path) -> None:
    """Drop a file on an element the way a browser does when a user drags one from the desktop."""
    payload = base64.b64encode(path.read_bytes()).decode()
    transfer = page.evaluate_handle(
        """([name, data]) => {
            const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, {type: "application/zip"}));
            return transfer;
        }""",
        [path.name, payload],
    )
    page.dispatch_event(selector, "dragover", {"dataTransfer": transfer})
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


def test_a_planner_imports_an_office_shapefile_end_to_end(offline, portal_url, tmp_path, worker):
    StaffUserFactory(username="planner", role="planner")
    archive = shapefile_zip(
        parcel_grid(3000, invalid_every=25), tmp_path / "Сәулет ПДП.zip", encoding="cp1251"
    )
    browser = offline()
    page = browser.context.new_page()
    page.goto(f"{portal_url}/en/staff/login/?next=/en/staff/imports/new/")
    page.fill("#id_username", "planner")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # A person drops the file once the upload page has loaded (its script handles the drop).
    page.wait_for_url("**/staff/imports/new/")
    page.wait_for_load_state("load")

    drop_file(page, "[data-drop-zone]", archive)
    # Uploading and inspecting 3,000 features takes a few seconds on a busy machine.
    expect(page.locator("h1")).to_have_text("Сәулет ПДП.zip", timeout=30_000)
    expect(page.locator("[data-feature-count]")).to_have_text("3000")
    expect(page.locator("[data-crs]")).to_contain_text("EPSG:28412")
    expect(page.locator("[data-encoding]")).to_contain_text("cp1251")
    table = page.locator("[data-attribute-table]")
    expect(table).to_contain_text("Жилая зона индивидуальной застройки")
    expect(
        page.locator(".preview-map .leaflet-overlay-pane path, .preview-map canvas").first
    ).to_be_attached()

    # A wrong encoding shows at once in the table; the planner puts it right.
    page.select_option("#id_encoding", "cp866")
    page.get_by_role("button", name="Check again with these choices").click()
    expect(table).not_to_contain_text("Жилая зона")
    page.select_option("#id_encoding", "cp1251")
    page.get_by_role("button", name="Check again with these choices").click()
    expect(table).to_contain_text("Жилая зона индивидуальной застройки")

    page.select_option("#id_plan", "__new__")
    page.fill("#id_new_plan_slug", "saulet-pdp")
    page.select_option("#id_new_plan_kind", "detailed_plan")
    page.fill("#id_new_plan_name_kk", "Сәулет ЕЖЖ")
    page.fill("#id_new_plan_name_ru", "ПДП Сәулет")
    page.fill("#id_layer_slug", "parcels")
    page.select_option("#id_layer_kind", "parcels")
    page.get_by_role("button", name="Import", exact=True).click()

    expect(page.locator("[data-progress-bar]")).to_be_visible()
    expect(page.locator("[data-status-label]")).to_have_text("Imported", timeout=60_000)
    expect(page.locator("[data-progress-percent]")).to_have_text("100")
    expect(page.locator("[data-progress-done]")).to_have_text("3000")
    expect(page.locator(".report")).to_contain_text(
        "version 1 is imported. It is not public until a plan publisher publishes it"
    )
    expect(page.locator(".report")).to_contain_text("Repaired geometries: 120")
    version = LayerVersion.objects.get(layer__plan__slug="saulet-pdp", layer__slug="parcels")
    assert not version.is_current and version.feature_count == 3000
    assert version.source_encoding == "cp1251" and version.source_crs == "EPSG:28412"
    assert page.goto(f"{portal_url}/en/plans/saulet-pdp/parcels/v1/").status == 404
    assert browser.blocked == []

    # The chief architect reviews the columns, keeps the area out, and publishes.
    StaffUserFactory(username="architect", role="plan_publisher")
    chief = offline()
    desk = chief.context.new_page()
    desk.goto(f"{portal_url}/en/staff/login/?next=/en/staff/imports/versions/")
    desk.fill("#id_username", "architect")
    desk.fill("#id_password", PASSWORD)
    desk.get_by_role("button", name="Sign in").click()
    desk.wait_for_url("**/staff/imports/versions/")
    expect(desk.locator("[data-awaiting]")).to_contain_text("Сәулет ПДП.zip")
    desk.get_by_role("link", name="Review and publish").click()
    expect(desk.locator("[data-columns]")).to_contain_text("Жилая зона индивидуальной застройки")
    expect(desk.get_by_label("KAD_NOMER", exact=True)).to_be_checked()
    desk.get_by_label("PLOSHAD", exact=True).uncheck()
    desk.get_by_role("button", name="Publish this version").click()

    desk.wait_for_url("**/plans/saulet-pdp/parcels/v1/")
    public_table = desk.locator("table.plan-attributes")
    expect(public_table).to_contain_text("KAD_NOMER")
    expect(public_table).not_to_contain_text("PLOSHAD")
    version.refresh_from_db()
    assert version.is_current and version.hidden_fields == ["PLOSHAD"]
    assert chief.blocked == []
