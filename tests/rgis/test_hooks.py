"""The platform reaches the apps only through what they register in AppConfig.ready()."""

from types import SimpleNamespace

import pytest
from django.contrib.gis.geos import Point

from rgis import search
from rgis.demo import demo_loaders
from rgis.search import search_provider_register, search_providers, search_sections


def test_the_apps_register_their_demo_loaders_in_the_order_the_data_needs():
    assert [loader.name for loader in demo_loaders()] == [
        "district(s)",
        "plan layer(s)",
        "parcel(s)",
        "queue application(s)",
        "hearing comment(s)",
    ]


def test_geodata_provides_the_district_search():
    assert "districts" in [provider.name for provider in search_providers()]


@pytest.fixture
def providers(monkeypatch):
    """The registry emptied for one test (the apps' providers back afterwards)."""
    monkeypatch.setattr(search, "_search_providers", {})


def test_each_provider_that_finds_something_gets_a_section_in_order(providers):
    search_provider_register(order=20, name="b", template="b.html", search=lambda q: [q, q])
    search_provider_register(order=10, name="a", template="a.html", search=lambda q: [q])
    search_provider_register(order=5, name="none", template="n.html", search=lambda q: [])
    sections = search_sections("7")
    assert [(section.template, list(section.results)) for section in sections] == [
        ("a.html", ["7"]),
        ("b.html", ["7", "7"]),
    ]


@pytest.mark.django_db
def test_the_search_page_renders_each_providers_results_with_its_template(providers, client):
    def echo(query: str) -> list[SimpleNamespace]:
        return [SimpleNamespace(name=f"Echo of {query}", centre=Point(71.4, 42.9), area_ha=12)]

    template = "geodata/includes/search_districts.html"
    search_provider_register(order=10, name="echo", template=template, search=echo)
    page = client.get("/en/search/", {"q": "zz"}).content.decode()
    assert "Echo of zz" in page and "12 ha" in page and "Nothing found" not in page
