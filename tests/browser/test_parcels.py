"""A resident searches a cadastral number, opens the parcel page, sees its map and zone."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_a_cadastral_number_and_open_the_parcel_page(offline, portal_url):
    call_command("load_demo")
    browser = offline()
    page = browser.context.new_page()
    page.goto(f"{portal_url}/en/")

    page.get_by_role("link", name="Land parcels").click()
    page.get_by_label("Cadastral number (or its beginning) or address").fill("06-097-000-21")
    page.get_by_role("button", name="Find").last.click()

    results = page.locator("[data-results]")
    expect(results).to_contain_text("06-097-000-210")
    expect(page.locator("body")).to_contain_text("10 parcels found.")
    results.get_by_role("link", name="06-097-000-210").click()

    expect(page.locator("h1")).to_contain_text("Parcel 06-097-000-210")
    # The map: Leaflet drew the parcel's boundary (canvas or SVG) on the portal's own assets.
    parcel_map = page.locator("#parcel-map .folium-map")
    expect(parcel_map).to_be_visible()
    expect(parcel_map.locator(".leaflet-overlay-pane canvas")).to_be_attached()
    expect(page.locator("[data-zone]")).to_contain_text("Ж-2")
    expect(page.locator("[data-zone]")).to_contain_text("Taraz master plan to 2040")
    expect(page.locator("[data-district]")).to_have_text("North district")
    expect(page.locator("[data-plan]")).to_contain_text("Detailed plan of the Saulet")
    page.locator("[data-plan] a").click()
    expect(page.locator("h1")).to_contain_text("Detailed plan of the Saulet micro-district")
    assert [url for url in browser.blocked if "tile.openstreetmap" not in url] == []


def test_the_search_and_the_parcel_page_work_without_javascript(offline, portal_url):
    call_command("load_demo")
    page = offline(java_script_enabled=False).context.new_page()
    page.goto(f"{portal_url}/ru/parcels/")

    page.get_by_role("searchbox").last.fill("06097000210")
    page.get_by_role("button").last.click()
    page.locator("[data-results] a").first.click()

    expect(page.locator("[data-cadastral-number]")).to_have_text("06-097-000-210")
    expect(page.locator("[data-zone]")).to_contain_text("Ж-2")
