"""The residents' pages: look-up by number and by IIN, the queue list and its pages."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from queues.public_texts import change_parts, wait_text
from queues.selectors.history import PositionChange, RoundedWait
from queues.selectors.positions import application_position
from queues.selectors.public import queue_waiting_page
from queues.views import public as public_views
from tests.queues.factories import applications_register
from tests.queues.public_seed import PEOPLE, seed_public_queues

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seed():
    return seed_public_queues()


def _text(response) -> str:
    """The page's visible text, tags dropped and spaces folded."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = " ".join(re.sub(r"<[^>]+>", " ", html).replace("\xa0", " ").split())
    return re.sub(r" ([:.,])", r"\1", text)


def test_a_resident_finds_place_reasons_and_pace_by_number(
    client, seed, django_assert_max_num_queries
):
    mine = seed.applications[7]
    with django_assert_max_num_queries(12):
        response = client.get("/en/queues/lookup/", {"number": mine.number})
    assert response.status_code == 200
    text = _text(response)
    assert f"Application {mine.number}" in text
    assert "Taraz: Individual housing" in text
    assert "Place in line 3" in text
    assert "Waiting ahead of you 2" in text
    # Registered after the chosen date (30 days ago): the comparison starts at registration.
    assert "when your application took its present place" in text
    assert (
        "8 → 3: 2 got a plot, 2 are being offered a plot now, "
        "1 removed (reasons: at own request — 1)." in text
    )
    assert (
        "In the last 12 months 2 plots were allocated in this queue (between 0 and 2 a month)"
        in text
    )
    assert "your turn would come in 9 months or later" in text
    assert "depends on how much land" in text
    # Where plots are handed out: the two allocated and the two offered parcels.
    for parcel in seed.parcels:
        assert parcel.cadastral_number in text
    assert "reserved for allocation" in text
    assert 'class="folium-map"' in response.content.decode()


def test_an_unknown_number_says_so(client, seed):
    response = client.get("/en/queues/lookup/", {"number": "TARAZ-NOPE-1"})
    assert response.status_code == 404
    assert "No application numbered “TARAZ-NOPE-1”" in _text(response)


def test_statuses_other_than_waiting_show_no_place(client, seed):
    allocated, offered, removed = (seed.applications[i] for i in (0, 2, 4))
    text = _text(client.get("/en/queues/lookup/", {"number": allocated.number}))
    assert "Status plot allocated" in text and "Place in line" not in text
    text = _text(client.get("/en/queues/lookup/", {"number": offered.number}))
    assert "Status plot offered" in text and "A plot has been offered to you" in text
    text = _text(client.get("/en/queues/lookup/", {"number": removed.number}))
    assert "Status removed from the queue: At own request" in text


def test_a_chosen_date_before_any_change_compares_with_that_date(client, seed):
    mine = seed.applications[7]
    since = timezone.localdate() + datetime.timedelta(days=1)
    response = client.get("/en/queues/lookup/", {"number": mine.number, "since": since})
    assert response.status_code == 200
    assert "The date cannot be in the future." in _text(response)


def test_the_iin_look_up_lists_the_persons_applications_without_echoing_the_iin(client, seed):
    person = PEOPLE[6]
    spaced = f"{person.iin[:6]} {person.iin[6:]}"
    response = client.post("/en/queues/lookup/", {"iin": spaced})
    assert response.status_code == 200
    body = response.content.decode()
    numbers = re.findall(r'data-application="([^"]+)"', body)
    assert numbers == [seed.applications[6].number, seed.applications[8].number]
    assert "Taraz: Gardening" in _text(response)
    assert person.iin not in body and person.iin[:6] not in body
    assert response["Cache-Control"].startswith("max-age=0")
    assert "no-store" in response["Cache-Control"]


def test_an_invalid_iin_gets_the_validators_message_and_is_not_echoed(client, seed):
    response = client.post("/en/queues/lookup/", {"iin": "791028302729"})
    assert response.status_code == 400
    assert "This IIN has a typing error: its check digit does not match." in _text(response)
    assert "791028302729" not in response.content.decode()


def test_an_iin_with_no_application_says_so(client, seed):
    from tests.queues.factories import iin_make

    response = client.post("/en/queues/lookup/", {"iin": iin_make(9999)})
    assert response.status_code == 404
    assert "No application is registered with this IIN." in _text(response)


def test_an_iin_in_the_address_is_taken_out_of_it_and_never_written_back(client, seed):
    response = client.get("/en/queues/lookup/", {"iin": PEOPLE[0].iin, "since": "2026-01-02"})
    assert response.status_code == 302
    assert response["Location"] == "/en/queues/lookup/?since=2026-01-02"
    assert PEOPLE[0].iin not in response.content.decode()


def test_iin_look_ups_are_limited_per_client(client, seed, monkeypatch):
    monkeypatch.setattr(public_views, "IIN_LOOKUP_LIMIT", 3)
    for _ in range(3):
        assert client.post("/en/queues/lookup/", {"iin": PEOPLE[6].iin}).status_code == 200
    refused = client.post("/en/queues/lookup/", {"iin": PEOPLE[6].iin})
    assert refused.status_code == 429
    text = _text(refused)
    assert "Too many look-ups by IIN from your connection (at most 3 in 60 minutes)" in text
    assert "data-application" not in refused.content.decode()
    # Another client (behind the proxy: its X-Real-IP) still may; numbers are not limited.
    other = client.post("/en/queues/lookup/", {"iin": PEOPLE[6].iin}, HTTP_X_REAL_IP="203.0.113.9")
    assert other.status_code == 200
    by_number = client.get("/en/queues/lookup/", {"number": seed.applications[6].number})
    assert by_number.status_code == 200


def test_the_iin_form_posts_with_a_csrf_token(seed):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    page = client.get("/en/queues/lookup/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token
    refused = client.post("/en/queues/lookup/", {"iin": PEOPLE[6].iin})
    assert refused.status_code == 403
    accepted = client.post(
        "/en/queues/lookup/", {"iin": PEOPLE[6].iin, "csrfmiddlewaretoken": token.group(1)}
    )
    assert accepted.status_code == 200


def test_the_queue_list_counts_waiting_people_per_queue(
    client, seed, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        response = client.get("/en/queues/")
    body = response.content.decode()
    assert re.search(r'data-waiting="taraz-izhs">3<', body)
    assert re.search(r'data-waiting="taraz-garden">1<', body)
    assert "Find your place by application number or IIN" in _text(response)


def test_a_queue_page_lists_places_with_masked_names_only(
    client, seed, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = client.get("/en/queues/taraz-izhs/")
    text = _text(response)
    assert "3 applications are waiting." in text
    waiting = [seed.applications[i] for i in (3, 6, 7)]
    for place, application in enumerate(waiting, start=1):
        assert f"{place} {application.number}" in text
    assert "Т***н А. М." not in text  # allocated: not in the waiting list
    assert "К***а А. Б." in text  # seed.applications[3]
    for person in PEOPLE:
        assert person.full_name.split()[0] not in text
        assert person.email not in text


def test_queue_pages_follow_the_order_across_days(queue, client, monkeypatch):
    applications = applications_register(queue, 7)
    # Two filed within the same second on the same day: the number breaks the tie.
    same_day = applications_register(queue, 2, start=100)
    applications += same_day
    ordered = sorted((a for a in applications), key=lambda a: (a.filed_at, a.number))
    pages = [queue_waiting_page(queue, page=page, per_page=4) for page in (1, 2, 3, 4)]
    assert [row.number for page in pages for row in page] == [a.number for a in ordered]
    assert [row.position for row in pages[1]] == [5, 6, 7, 8]
    assert pages[3] == []
    for page in pages:
        for row in page:
            assert application_position(next(a for a in ordered if a.number == row.number)) == (
                row.position
            )

    monkeypatch.setattr(public_views, "PAGE_SIZE", 4)
    response = client.get(f"/en/queues/{queue.slug}/", {"page": 3})
    assert "Page 3 of 3" in _text(response)
    assert client.get(f"/en/queues/{queue.slug}/", {"page": 4}).status_code == 404
    jump = client.get(f"/en/queues/{queue.slug}/", {"number": ordered[5].number})
    assert jump.status_code == 302
    assert jump["Location"] == f"/en/queues/{queue.slug}/?page=2#application-{ordered[5].number}"


def test_searching_a_number_that_does_not_wait_says_why(client, seed):
    allocated = seed.applications[0]
    response = client.get("/en/queues/taraz-izhs/", {"number": allocated.number})
    assert f"Application {allocated.number} is not waiting in line" in _text(response)
    response = client.get("/en/queues/taraz-izhs/", {"number": "NOPE-1"})
    assert response.status_code == 404
    assert "No application numbered “NOPE-1”." in _text(response)


def test_the_look_up_is_linked_from_every_page(client, db):
    body = client.get("/kk/").content.decode()
    assert 'href="/kk/queues/lookup/"' in body


def test_numbers_use_the_languages_thousand_separator():
    change = PositionChange(
        since=timezone.now(),
        asked_since=timezone.now(),
        position_then=1204,
        position_now=1187,
        allocated=1012,
    )
    with translation.override("kk"):
        assert change_parts(change)[0].startswith("1\xa0012")
    with translation.override("en"):
        assert change_parts(change)[0] == "1,012 got a plot"


@pytest.mark.parametrize(
    ("wait", "expected"),
    [
        (RoundedWait("years", 3.5, 4.5, 1), "примерно через 3,5–4,5 года"),
        (RoundedWait("years", 5, 7, 0), "примерно через 5–7 лет"),
        (RoundedWait("years", 2.1, 2.1, 1), "примерно через 2,1 года"),
        (RoundedWait("months", 5, 5, 0), "примерно через 5 месяцев"),
    ],
)
def test_the_wait_takes_the_russian_form_its_number_is_shown_with(wait, expected):
    with translation.override("ru"):
        assert expected in wait_text(wait)
