"""Filing through the page: the form, one appeal per key, the honeypot, the rate limit,
anonymous filing, and the page without JavaScript (address, coordinates, place choice)."""

import re

import pytest
from django.core.cache import cache

from appeals.forms.public import filing_key_open
from appeals.models import Appeal, AppealPhoto
from tests.appeals.public_seed import PERSON, district_make, filing_data, jpeg
from tests.queues.factories import ParcelFactory

pytestmark = pytest.mark.django_db

URL = "/ru/appeals/new/"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def test_the_form_carries_a_fresh_key_and_active_categories_by_department(client):
    first = client.get(URL).content.decode()
    second = client.get(URL).content.decode()
    keys = [re.search(r'name="idempotency_key" value="([^"]+)"', page)[1]
            for page in (first, second)]  # fmt: skip
    assert keys[0] != keys[1]
    assert all(filing_key_open(key) for key in keys)  # made and signed by the server
    assert '<optgroup label="Отдел ЖКХ">' in first
    assert "Уличное освещение" in first
    assert 'value="safety" data-anonymous="1"' in first
    assert 'name="website"' in first  # the honeypot


def test_filing_registers_the_appeal_and_shows_its_receipt(client):
    response = client.post(URL, filing_data(photos=[jpeg()]))
    assert response.status_code == 303
    appeal = Appeal.objects.get()
    assert response["Location"] == f"/ru/appeals/{appeal.number}/receipt/"
    assert appeal.channel == "web" and appeal.accepted_by is None
    assert appeal.applicant_name == PERSON.full_name
    assert appeal.applicant_email == PERSON.email
    assert appeal.photos.count() == 1
    receipt = client.get(response["Location"]).content.decode()
    assert appeal.number in receipt


def test_a_double_post_with_the_same_key_makes_one_appeal(client):
    data = filing_data()
    first = client.post(URL, data)
    second = client.post(URL, data)
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"]
    assert Appeal.objects.count() == 1


def test_a_robot_that_fills_the_honeypot_is_told_received_and_nothing_is_written(client):
    response = client.post("/en/appeals/new/", filing_data(website="http://spam.example"))
    assert response.status_code == 200
    assert "Your appeal was sent" in response.content.decode()
    assert Appeal.objects.count() == 0


def test_too_many_appeals_from_one_connection_are_refused_with_when_to_retry(client, settings):
    settings.RGIS_APPEALS_RATE = "2/10m"
    # nearby_shown: the filer saw the earlier ones nearby (else the page would ask first).
    for _ in range(2):
        assert client.post(URL, filing_data(nearby_shown="1")).status_code == 303
    refused = client.post(URL, filing_data(nearby_shown="1"))
    assert refused.status_code == 429
    text = refused.content.decode()
    assert re.search(r"\d\d:\d\d", text)
    assert Appeal.objects.count() == 2
    # What was typed stays in the form.
    assert "Не горит фонарь у дома 12 уже неделю" in text


def test_the_rate_limit_message_in_english(client, settings):
    settings.RGIS_APPEALS_RATE = "1/1h"
    client.post("/en/appeals/new/", filing_data())
    refused = client.post("/en/appeals/new/", filing_data(nearby_shown="1"))
    assert refused.status_code == 429
    assert re.search(r"Try again after \d\d:\d\d \(in \d+ minutes?\)", refused.content.decode())


def test_a_retry_after_the_limit_still_finds_its_appeal(client, settings):
    settings.RGIS_APPEALS_RATE = "1/10m"
    data = filing_data()
    first = client.post(URL, data)
    again = client.post(URL, data)  # the same key: not a new appeal, not counted
    assert again.status_code == 303 and again["Location"] == first["Location"]


def test_anonymous_filing_is_refused_where_the_category_does_not_allow_it(client):
    data = filing_data(anonymous="on", full_name="", iin="", email="")
    response = client.post("/en/appeals/new/", data)
    assert response.status_code == 400
    assert "Anonymous appeals are not considered in this category" in response.content.decode()
    assert Appeal.objects.count() == 0


def test_anonymous_filing_where_the_category_allows_it(client):
    data = filing_data(category="safety", anonymous="on", full_name="", iin="", email="",
                       phone="", postal_address="")  # fmt: skip
    response = client.post(URL, data)
    assert response.status_code == 303
    appeal = Appeal.objects.get()
    assert appeal.is_anonymous and appeal.applicant_name == ""


def test_a_wrong_iin_is_shown_at_its_field_and_nothing_is_filed(client):
    response = client.post(URL, filing_data(iin="061211600013"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r'id="id_iin".*?<p class="error">', page, re.S)
    assert Appeal.objects.count() == 0


def test_no_place_at_all_asks_where(client):
    response = client.post("/en/appeals/new/", filing_data(lat="", lon=""))
    assert response.status_code == 400
    assert "put the pin on the map, write the address" in response.content.decode()


def test_without_javascript_an_address_the_portal_knows_places_the_pin(client):
    parcel = ParcelFactory(address_ru="ул. Төле би, 45", address_kk="Төле би көшесі, 45")
    response = client.post(URL, filing_data(lat="", lon="", address="Төле би, 45"))
    assert response.status_code == 303
    appeal = Appeal.objects.get()
    assert parcel.geometry.contains(appeal.location)
    assert appeal.address == "Төле би, 45"


def test_without_javascript_several_matching_addresses_ask_which_one(client):
    first = ParcelFactory(address_ru="ул. Жамбыл, 10")
    ParcelFactory(address_ru="ул. Жамбыл, 12")
    data = filing_data(lat="", lon="", address="Жамбыл")
    response = client.post(URL, data)
    page = response.content.decode()
    assert response.status_code == 200 and Appeal.objects.count() == 0
    assert "ул. Жамбыл, 10" in page and "ул. Жамбыл, 12" in page
    choice = re.search(r'name="place" value="([^"]+)"[^>]*> ул. Жамбыл, 10', page)[1]
    filed = client.post(URL, {**data, "place": choice})
    assert filed.status_code == 303
    assert first.geometry.contains(Appeal.objects.get().location)


def test_without_javascript_an_unknown_address_offers_the_districts(client):
    district_make("north", "Северный район", 71.30, 42.90)
    data = filing_data(lat="", lon="", address="Улица, которой нет")
    response = client.post(URL, data)
    page = response.content.decode()
    assert "Северный район" in page and Appeal.objects.count() == 0
    choice = re.search(r'name="place" value="([^"]+)"', page)[1]
    assert client.post(URL, {**data, "place": choice}).status_code == 303
    assert Appeal.objects.get().address == "Улица, которой нет"


def test_coordinates_typed_by_hand_work_without_the_map(client):
    response = client.post(URL, filing_data(lat="42.91", lon="71.38"))
    assert response.status_code == 303
    location = Appeal.objects.get().location
    assert (round(location.y, 2), round(location.x, 2)) == (42.91, 71.38)


def test_a_pin_outside_the_city_is_refused_with_the_reason(client):
    response = client.post("/en/appeals/new/", filing_data(lat="43.5", lon="76.9"))
    assert response.status_code == 400
    assert "outside the city" in response.content.decode()


def test_four_photos_are_refused(client):
    photos = [jpeg(name=f"p{i}.jpg") for i in range(4)]
    response = client.post("/en/appeals/new/", filing_data(photos=photos))
    assert response.status_code == 400
    assert "at most 3 photos" in response.content.decode()
    assert AppealPhoto.objects.count() == 0


def test_an_over_long_email_is_refused_at_its_field_not_with_a_500(client):
    email = "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "kz"  # valid in form, 311 characters
    response = client.post("/en/appeals/new/", filing_data(email=email))
    assert response.status_code == 400
    assert "Ensure this value has at most 254 characters" in response.content.decode()
    assert Appeal.objects.count() == 0
