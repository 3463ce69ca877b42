"""A resident turns on the detailed plan's parcels, clicks a parcel and reads the panel."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pyproj import CRS

from geodata.demo import PDP_CENTRE
from geodata.importing.crs import crs_transformer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_toggle_the_parcels_click_one_and_read_whats_here(offline, portal_url):
    call_command("load_demo")
    # Inside parcel 06-097-000-210 of the demo ПДП (the grid's middle cell), in WGS 84.
    lon, lat = crs_transformer(CRS.from_epsg(28412), 4326).transform(
        PDP_CENTRE[0] + 13.5, PDP_CENTRE[1] + 13.5
    )
    browser = offline()
    page = browser.context.new_page()
    tiles = []
    page.on("request", lambda request: "/tiles/" in request.url and tiles.append(request.url))
    page.goto(f"{portal_url}/en/#map=17/{lat:.6f}/{lon:.6f}&layers=", wait_until="networkidle")

    switcher = page.locator(".rgis-switcher")
    expect(switcher.locator("legend", has_text="Saulet")).to_contain_text("draft")
    assert tiles == []
    switcher.locator("input[value='saulet-pdp.parcels']").check()
    expect(page).to_have_url(re.compile(r"layers=saulet-pdp\.parcels$"))
    page.wait_for_load_state("networkidle")
    # Zoom 17 is drawn from the zoom-16 tiles (the layer's largest native zoom).
    assert any("/tiles/saulet-pdp.parcels/16/" in url for url in tiles)
    expect(page.locator(".rgis-legend")).to_contain_text("Ж-1")

    page.locator("#map-frame").click()  # the map's centre: the parcel
    panel = page.locator("#whats-here")
    expect(panel).to_be_visible()
    expect(panel.locator("[data-parcel]")).to_contain_text("06-097-000-210")
    expect(panel.locator("[data-district]")).to_have_text("North district")
    expect(panel.locator("[data-plans]")).to_contain_text("Detailed plan of the Saulet")
    expect(panel.locator("[data-plans]")).to_contain_text("Taraz master plan to 2040")
    expect(panel).to_contain_text("Master-plan zone")
    assert browser.blocked == []
