"""A resident finds their place in line by application number, with and without JavaScript."""

import pytest
from playwright.sync_api import expect

from tests.queues.public_seed import seed_public_queues

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_BUDGET_BYTES = 300 * 1024


def _look_up(page, portal_url, number):
    page.goto(f"{portal_url}/en/")
    page.get_by_role("link", name="My place in the land queue").click()
    page.get_by_label("Application number").fill(number)
    page.get_by_role("button", name="Find my place").click()


def test_a_resident_looks_up_a_number_and_sees_place_reasons_and_the_map(offline, portal_url):
    seed = seed_public_queues()
    mine = seed.applications[7]
    browser = offline()
    page = browser.context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    _look_up(page, portal_url, mine.number)

    result = page.locator(f"[data-application='{mine.number}']")
    expect(result.locator("[data-position]")).to_have_text("3")
    expect(result.locator("[data-ahead]")).to_have_text("2")
    expect(result.locator("[data-change]")).to_contain_text("8 → 3")
    expect(result.locator("[data-change]")).to_contain_text(
        "2 got a plot, 2 are being offered a plot now, 1 removed (reasons: at own request — 1)"
    )
    expect(result.locator("[data-wait]")).to_contain_text("9 months or later")
    plots = page.locator("#parcels-map")
    expect(plots.locator(".leaflet-container")).to_be_visible()
    expect(
        plots.locator(".leaflet-overlay-pane canvas, .leaflet-overlay-pane path")
    ).not_to_have_count(0)
    expect(page.locator("[data-parcels] tbody tr")).to_have_count(4)
    assert browser.blocked == []
    assert errors == []

    page.wait_for_load_state("networkidle")
    transferred = 0
    for response in responses:
        if response.request.url.startswith(f"{portal_url}/en/queues/lookup/"):
            response.finished()
            sizes = response.request.sizes()
            transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    # The result page and what it loads (Leaflet, shell.js): light on a slow connection.
    static = sum(
        response.request.sizes()["responseBodySize"]
        for response in responses
        if "/static/" in response.url
    )
    assert 0 < transferred + static <= PAGE_BUDGET_BYTES, transferred + static


def test_the_same_look_up_works_with_javascript_off(offline, portal_url):
    seed = seed_public_queues()
    mine = seed.applications[7]
    browser = offline(java_script_enabled=False)
    page = browser.context.new_page()

    _look_up(page, portal_url, mine.number)

    result = page.locator(f"[data-application='{mine.number}']")
    expect(result.locator("[data-position]")).to_have_text("3")
    expect(result.locator("[data-change]")).to_contain_text("8 → 3")
    expect(page.locator("#parcels-map .noscript")).to_be_visible()
    expect(page.locator("#parcels-map .noscript")).to_contain_text(
        "The map needs JavaScript. The plots are listed below."
    )
    rows = page.locator("[data-parcels] tbody tr")
    expect(rows).to_have_count(4)
    for parcel in seed.parcels:
        expect(page.locator("[data-parcels]")).to_contain_text(parcel.cadastral_number)
    expect(page.locator("[data-parcels]")).to_contain_text("reserved for allocation")
    assert browser.blocked == []
