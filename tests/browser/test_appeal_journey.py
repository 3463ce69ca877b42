"""A citizen files an appeal from the map on a phone-sized screen, gets the receipt (талон),
sees the appeal on the public list and the home map; an operator answers it on the staff
page, and the answer shows on the appeal's public page. Then the same filing without
JavaScript (address typed, no map)."""

import importlib
import re

import pytest
from django.apps import apps
from playwright.sync_api import expect

from appeals.models import Appeal, Category
from tests.conftest import PASSWORD
from tests.factories import StaffUserFactory
from tests.queues.factories import ParcelFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
PAGE_BUDGET_BYTES = 200 * 1024


@pytest.fixture(autouse=True)
def appeal_defaults(settings, tmp_path):
    """Departments and categories (a transactional test's flush removed the migration's)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if not Category.objects.exists():
        importlib.import_module("appeals.migrations.0002_defaults").defaults_add(apps, None)


def test_a_citizen_files_from_the_map_and_an_operator_answers(offline, portal_url):
    browser = offline(**PHONE)
    page = browser.context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    responses = []
    page.on("response", lambda response: responses.append(response))

    page.goto(f"{portal_url}/en/appeals/new/")
    page.select_option("#id_category", "lighting")
    # Drop the pin: a tap on the map, a little off its centre.
    map_box = page.locator("#appeal-map")
    expect(map_box.locator(".leaflet-container, .leaflet-pane").first).to_be_attached()
    box = map_box.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.4)
    expect(page.locator("#id_lat")).not_to_have_value("")
    lat, lon = float(page.input_value("#id_lat")), float(page.input_value("#id_lon"))
    assert 42.8 < lat < 43.0 and 71.2 < lon < 71.5
    expect(map_box.locator(".leaflet-overlay-pane path")).to_have_count(1)  # the pin
    # "Is it one of these?" was asked for this place and category: nothing yet.
    expect(page.locator("#nearby-live")).to_contain_text("No open appeal of this category")

    page.fill("#id_description", "The street lamp by house 12 has been dark for a week")
    page.fill("#id_full_name", "Сейткали Айгерим Болатқызы")
    page.fill("#id_iin", "061211600012")
    page.fill("#id_email", "aigerim.s@example.kz")
    page.get_by_role("button", name="Send the appeal").click()

    # The receipt, at once.
    expect(page.locator("h1")).to_contain_text("Receipt")
    number = page.locator("[data-number]").inner_text()
    assert re.fullmatch(r"\d{4}-\d{6}", number)
    expect(page.locator("[data-accepted-by]")).to_have_text("the e-RGIS portal (online)")
    expect(page.locator("#print-receipt")).to_be_visible()
    expect(page.locator("[data-follow-link]")).to_contain_text(f"/en/appeals/{number}/")
    appeal = Appeal.objects.get(number=number)
    assert (round(appeal.location.y, 5), round(appeal.location.x, 5)) == (
        round(lat, 5),
        round(lon, 5),
    )
    expect(page.locator("body")).not_to_contain_text("061211600012")

    # The filing page and what it loads stay light on a slow connection.
    page.wait_for_load_state("networkidle")
    transferred = sum(
        r.request.sizes()["responseBodySize"]
        for r in responses
        if r.url.startswith(f"{portal_url}/en/appeals/new/") or "/static/" in r.url
    )
    assert 0 < transferred <= PAGE_BUDGET_BYTES, transferred

    # On the public list ...
    page.goto(f"{portal_url}/en/appeals/")
    expect(page.locator(f'[data-appeal="{number}"]')).to_contain_text("Street lighting")
    # ... and on the home map: the appeals layer, at the pin, opens to the appeal.
    with page.expect_response(lambda r: "/api/appeals/map" in r.url) as answer:
        page.goto(f"{portal_url}/en/#map=17/{lat:.5f}/{lon:.5f}&layers=appeals")
    assert number in answer.value.text()
    point = page.evaluate(
        "([lat, lon]) => { const p = window.rgisMap.latLngToContainerPoint([lat, lon]);"
        " return [p.x, p.y]; }",
        [lat, lon],
    )
    frame = page.locator("#map-frame .leaflet-container").bounding_box()
    assert frame is not None
    page.wait_for_timeout(300)
    page.mouse.click(frame["x"] + point[0], frame["y"] + point[1])
    popup = page.locator(f'.leaflet-popup-content [data-appeal="{number}"]')
    expect(popup).to_contain_text("registered")
    popup.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text(f"Appeal {number}")

    # An operator of the appeal's department answers on the staff page.
    operator = StaffUserFactory(username="operator", role="appeals_operator")
    operator.appeal_departments.add(appeal.department)
    staff = offline().context.new_page()
    staff.goto(f"{portal_url}/en/staff/login/?next=/en/staff/appeals/{number}/")
    staff.fill("#id_username", "operator")
    staff.fill("#id_password", PASSWORD)
    staff.get_by_role("button", name="Sign in").click()
    # The IIN is masked until asked for (the reading is audited).
    expect(staff.locator("[data-identity]")).not_to_contain_text("061211600012")
    staff.get_by_role("button", name="Show the IIN").click()
    expect(staff.locator("[data-iin]")).to_have_text("061211600012")
    staff.locator("textarea[name=text]").fill("The lamp was replaced on Monday.")
    staff.get_by_role("button", name="Answer", exact=True).click()
    expect(staff.locator("[data-answer]")).to_contain_text("The lamp was replaced on Monday.")

    # The citizen sees the answer, on time.
    page.reload()
    expect(page.locator("[data-answer]")).to_have_text("The lamp was replaced on Monday.")
    expect(page.locator("[data-status]").first).to_have_text("answered")
    expect(page.locator("[data-due-state]")).to_contain_text("answered on time")
    assert browser.blocked == []
    assert errors == []


def test_filing_works_with_javascript_off(offline, portal_url):
    importlib.import_module("parcels.migrations.0002_land_purposes").purposes_add(apps, None)
    parcel = ParcelFactory(address_ru="ул. Төле би, 45", address_kk="Төле би көшесі, 45")
    browser = offline(java_script_enabled=False)
    page = browser.context.new_page()
    page.goto(f"{portal_url}/ru/appeals/new/")
    expect(page.locator("#appeal-map")).to_be_hidden()
    page.select_option("#id_category", "roads")
    page.fill("#id_address", "Төле би, 45")
    page.fill("#id_description", "Яма на дороге у дома 45, глубокая")
    page.fill("#id_full_name", "Сейткали Айгерим Болатқызы")
    page.fill("#id_iin", "061211600012")
    page.fill("#id_phone", "+7 701 123 4567")
    page.locator("#appeal-submit").click()
    number = page.locator("[data-number]").inner_text()
    appeal = Appeal.objects.get(number=number)
    assert parcel.geometry.contains(appeal.location)
    # Print without JavaScript: the page says how.
    expect(page.locator("#print-receipt")).to_be_hidden()
    expect(page.locator(".no-print")).to_contain_text("Ctrl+P")
