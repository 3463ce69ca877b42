import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from geodata.demo import demo_districts_load
from rgis.maps.layers import LAYER_GROUPS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PAGE_BUDGET_BYTES = 300 * 1024


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_home_map_renders_offline_within_the_transfer_budget(offline, portal_url, language):
    demo_districts_load()
    browser = offline()
    page = browser.context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))

    page.goto(f"{portal_url}/{language}/", wait_until="networkidle")

    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator(".leaflet-control-zoom-in")).to_be_visible()
    with translation.override(language):
        expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute(
            "title", translation.gettext("Zoom in")
        )
        expect(page.locator(".leaflet-control-scale-line")).to_contain_text(
            translation.gettext("km")
        )
    switcher = page.locator(".rgis-switcher")
    expect(switcher).to_be_visible()
    with translation.override(language):
        for title in LAYER_GROUPS.values():
            expect(switcher).to_contain_text(str(title))
    expect(page.locator(".rgis-legend")).to_be_visible()
    # The two demo districts are drawn as SVG/canvas shapes on the map.
    expect(
        page.locator(".leaflet-overlay-pane canvas, .leaflet-overlay-pane path")
    ).not_to_have_count(0)
    assert page.locator("input[type=search][name=q]").is_visible()

    assert browser.blocked == []  # nothing left the portal's origin
    transferred = 0
    for response in responses:
        response.finished()
        sizes = response.request.sizes()
        transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    print(f"{language}: {len(responses)} responses, {transferred} bytes")
    assert 0 < transferred <= PAGE_BUDGET_BYTES, f"{transferred} bytes"
    leaflet = next(r for r in responses if re.search(r"/vendor/leaflet/leaflet\.\w+\.js$", r.url))
    assert leaflet.header_value("content-encoding") == "gzip"


def test_the_view_and_layers_travel_in_the_url(offline, portal_url):
    demo_districts_load()
    page = offline().context.new_page()
    page.goto(f"{portal_url}/en/#map=14/42.91000/71.38000&layers=", wait_until="networkidle")
    districts = page.locator(".rgis-switcher input[value=districts]")
    expect(districts).not_to_be_checked()
    assert page.locator(".rgis-legend").inner_text().count("City district boundary") == 0

    districts.check()
    expect(page).to_have_url(re.compile(r"#map=14/42\.91000/71\.38000&layers=districts$"))
    expect(page.locator(".rgis-legend")).to_contain_text("City district boundary")

    # Switching language keeps the view: the link carries the map state.
    page.get_by_role("link", name="Русский").click()
    expect(page).to_have_url(re.compile(r"/ru/#map=14/42\.91000/71\.38000&layers=districts$"))
    expect(page.locator(".rgis-switcher input[value=districts]")).to_be_checked()
    expect(page.locator(".rgis-legend")).to_contain_text("Граница")


def test_a_configured_base_map_is_the_only_thing_fetched_from_outside(
    offline, portal_url, settings
):
    settings.RGIS_BASEMAP_URL = "https://tiles.example.invalid/{z}/{x}/{y}.png"
    browser = offline()
    page = browser.context.new_page()
    page.goto(f"{portal_url}/kk/", wait_until="networkidle")
    expect(page.locator(".rgis-switcher")).to_be_visible()
    assert browser.blocked, "the base map should have asked for tiles"
    assert all(url.startswith("https://tiles.example.invalid/") for url in browser.blocked)


def test_without_javascript_the_search_still_works(offline, portal_url):
    demo_districts_load()
    page = offline(java_script_enabled=False).context.new_page()
    page.goto(f"{portal_url}/ru/")
    expect(page.locator(".noscript")).to_be_visible()
    page.fill("input[name=q]", "Южный")
    page.get_by_role("button", name="Найти").click()
    expect(page.locator("ul.results")).to_contain_text("Южный район")
