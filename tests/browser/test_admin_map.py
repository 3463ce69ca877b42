import json

import pytest
from playwright.sync_api import expect

from geodata.demo import demo_districts_load
from geodata.models import District
from staff.models import AuditEntry
from tests.conftest import PASSWORD
from tests.factories import StaffUserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_admin_geometry_widget_works_with_no_internet(offline, portal_url):
    demo_districts_load()
    StaffUserFactory(username="planner", role="planner")
    north = District.objects.get(slug="north")
    boundary_before = north.geometry
    browser = offline()
    page = browser.context.new_page()

    page.goto(f"{portal_url}/en/staff/login/?next=/en/admin/geodata/district/{north.pk}/change/")
    page.fill("#id_username", "planner")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator("#id_name_en")).to_have_value("North district")
    viewport = page.locator(".dj_map .ol-viewport")
    expect(viewport).to_be_visible()
    # The stored boundary is drawn on the OpenLayers canvas, and the map can be edited.
    expect(page.locator(".dj_map canvas").first).to_be_visible()
    widget_value = json.loads(page.locator("textarea#id_geometry").input_value())
    assert widget_value["type"] == "MultiPolygon"

    page.fill("#id_name_en", "Northern district")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    north.refresh_from_db()
    assert north.name_en == "Northern district"
    # The boundary went through the widget (EPSG:3857) and back unharmed.
    assert north.geometry.equals_exact(boundary_before, tolerance=1e-6)
    entry = AuditEntry.objects.get(action="update", object_type="geodata.district")
    assert (entry.before["name_en"], entry.after["name_en"]) == (
        "North district",
        "Northern district",
    )
    assert browser.blocked == []
