"""Search by cadastral number or address, and the public parcel page."""

import re

import pytest
from django.core.management import call_command

from parcels.models import Parcel
from queues.services.applications import application_verify
from queues.services.offers import offer_accept, offer_to_head
from tests.factories import QueueFactory
from tests.parcels.factories import registry_import, rows_of, version_make
from tests.queues.factories import applications_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(tmp_path):
    rows = rows_of(30)
    rows[7]["ADRES_KZ"] = "Тараз қ., Сәулет ы/а, Әйтеке би к-сі, 8"
    rows[7]["ADRES_RU"] = "г. Тараз, мкр Сәулет, ул. Айтеке би, 8"
    registry_import(version_make(tmp_path, rows))


def numbers_on(page) -> list[str]:
    return re.findall(r">(06-097-\d{3}-\d{3})</a>", page.content.decode())


def test_search_by_a_cadastral_number_prefix_typed_any_way(client, registry):
    for query in ("06-097-001-01", "0609700101", "06 097 001 01"):
        page = client.get("/en/parcels/", {"q": query})
        assert numbers_on(page) == [f"06-097-001-{n:03d}" for n in range(10, 20)], query
    assert "10 parcels found." in page.content.decode()


def test_search_by_address_in_either_language_ignoring_case(client, registry):
    assert numbers_on(client.get("/kk/parcels/", {"q": "әйтеке"})) == ["06-097-001-007"]
    page = client.get("/ru/parcels/", {"q": "АЙТЕКЕ БИ"})
    assert numbers_on(page) == ["06-097-001-007"]
    assert "г. Тараз, мкр Сәулет, ул. Айтеке би, 8" in page.content.decode()


def test_search_is_paged_in_few_queries(client, registry, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        first = client.get("/en/parcels/", {"q": "06-097"})
    assert len(numbers_on(first)) == 25
    assert "30 parcels found." in first.content.decode()
    assert 'href="?q=06-097&amp;page=2" rel="next"' in first.content.decode()
    second = client.get("/en/parcels/", {"q": "06-097", "page": "2"})
    assert numbers_on(second) == [f"06-097-001-{n:03d}" for n in range(25, 30)]


def test_search_says_when_nothing_is_found_or_the_query_is_too_short(client, registry):
    assert "Nothing found for “Байзак”." in client.get("/en/parcels/", {"q": "Байзак"}).text
    assert "Type at least two letters or digits." in client.get("/en/parcels/", {"q": "0"}).text


@pytest.mark.django_db(transaction=True)
def test_the_parcel_page_shows_its_facts_map_zone_plan_and_district(client):
    call_command("load_demo")
    parcel = Parcel.objects.get(cadastral_number="06-097-000-210")  # the ПДП's middle

    page = client.get("/en/parcels/06-097-000-210/")

    text = page.content.decode()
    assert page.status_code == 200
    assert "Parcel 06-097-000-210" in text
    assert parcel.address_ru in text or parcel.address_kk in text
    assert "0.0728" in text or "0.0729" in text
    assert "Individual housing (IZhS)" in text
    assert "land of settlements" in text
    plan_link = (
        '<a href="/en/plans/saulet-pdp/">Detailed plan of the Saulet micro-district (demo)</a>'
    )
    assert plan_link in text
    zone = re.search(r"<dd data-zone>(.*?)</dd>", text, re.S).group(1)
    assert "Taraz master plan to 2040 (demo)" in zone
    assert "ZONE_CODE: Ж-2" in zone
    assert "North district" in re.search(r"<dd data-district>(.*?)</dd>", text, re.S).group(1)
    assert 'id="parcel-map"' in text and "L.map(" in text
    # Leaflet is the portal's own copy, never a CDN's.
    assert re.search(r'<script src="/static/vendor/leaflet/leaflet(\.[0-9a-f]+)?\.js">', text)


def test_the_parcel_page_never_says_who_got_the_plot(client, registry):
    parcel = Parcel.objects.get(cadastral_number="06-097-001-003")
    queue = QueueFactory()
    [application] = applications_register(queue, 1, email=True)
    application_verify(application=application, actor=None)
    offer = offer_to_head(queue=queue, parcel=parcel, actor=None)
    offer_accept(offer=offer, actor=None)

    text = client.get("/en/parcels/06-097-001-003/").content.decode()

    assert "allocated" in text
    for personal in (application.full_name, application.email, application.number):
        assert personal not in text


def test_an_unknown_or_malformed_number_is_not_found(client, registry):
    assert client.get("/en/parcels/06-097-999-999/").status_code == 404
    assert client.get("/en/parcels/06-097/").status_code == 404
