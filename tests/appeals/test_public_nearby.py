""" "Is it one of these?": open appeals of the category within 250 m, by the API and as a
step of the page without JavaScript; following one instead, and the follower's e-mails."""

import re

import pytest
from django.contrib.gis.geos import Point
from django.core import mail
from django.core.cache import cache

from appeals.models import Appeal, AppealFollower
from appeals.services.processing import appeal_answer, appeal_status_set
from tests.appeals.public_seed import TARAZ, appeal_filed, filing_data, jpeg

pytestmark = pytest.mark.django_db

LAT, LON = TARAZ
# At 42.9° N a thousandth of a degree of latitude is about 111 m.
INSIDE = LAT + 0.0020  # ~222 m north
OUTSIDE = LAT + 0.0025  # ~278 m north


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()


def nearby(client, category="lighting", lat=LAT, lon=LON):
    response = client.get(f"/api/appeals/nearby?lat={lat}&lon={lon}&category={category}")
    assert response.status_code == 200
    return [item["number"] for item in response.json()["appeals"]]


def test_open_appeals_of_the_category_within_250_m_and_not_beyond(client):
    near = appeal_filed(lat=INSIDE)
    far = appeal_filed(lat=OUTSIDE)
    other_category = appeal_filed(slug="roads", lat=INSIDE)
    east = appeal_filed(lon=LON + 0.0025)  # ~204 m east at this latitude
    assert Point(LON, LAT, srid=4326).distance(far.location) > 0
    found = nearby(client)
    assert found == [east.number, near.number]  # nearest first
    assert far.number not in found and other_category.number not in found


def test_answered_or_closed_appeals_are_not_suggested(client, staff_client):
    _client, operator = staff_client("appeals_operator")
    answered = appeal_filed(lat=LAT + 0.0005)
    appeal_answer(appeal=answered, text="Фонарь заменён", actor=operator)
    working = appeal_filed(lat=LAT + 0.0006)
    appeal_status_set(appeal=working, status="in_progress", actor=operator)
    assert nearby(client) == [working.number]


def test_the_api_shows_public_fields_only(client):
    appeal_filed(lat=INSIDE)
    item = client.get(f"/api/appeals/nearby?lat={LAT}&lon={LON}&category=lighting").json()
    (suggestion,) = item["appeals"]
    assert set(suggestion) == {
        "number", "status", "status_label", "category", "received", "address",
        "description", "metres", "url", "follow_url",
    }  # fmt: skip
    assert 215 <= suggestion["metres"] <= 230


def test_the_api_refuses_bad_input_with_a_message(client):
    assert client.get("/api/appeals/nearby?lat=x&lon=71&category=lighting").status_code == 400
    refused = client.get(f"/api/appeals/nearby?lat={LAT}&lon={LON}&category=nope")
    assert refused.status_code == 400 and "category" in refused.json()["error"]


def test_without_javascript_the_post_first_shows_them_and_keeps_what_was_typed(client):
    existing = appeal_filed(lat=INSIDE, description="Фонарь не горит с понедельника")
    data = filing_data(photos=[jpeg()])
    step = client.post("/en/appeals/new/", data)
    page = step.content.decode()
    assert step.status_code == 200 and Appeal.objects.count() == 1
    assert "Is it one of these?" in page
    assert existing.number in page and "Фонарь не горит с понедельника" in page
    assert f'action="/en/appeals/{existing.number}/follow/"' in page
    assert "attach it again below" in page  # the photo is asked for again
    assert 'name="nearby_shown" id="id_nearby_shown" value="1"' in page
    assert data["description"] in page and data["idempotency_key"] in page
    # "Mine is different": sent again with the photo, it is filed.
    filed = client.post("/en/appeals/new/", {**data, "nearby_shown": "1", "photos": [jpeg()]})
    assert filed.status_code == 303
    assert Appeal.objects.count() == 2
    number = filed["Location"].split("/")[3]
    assert Appeal.objects.get(number=number).photos.count() == 1


def test_nothing_nearby_files_at_once(client):
    appeal_filed(lat=OUTSIDE)
    assert client.post("/en/appeals/new/", filing_data()).status_code == 303


def _answer(staff_client, appeal, text, django_capture_on_commit_callbacks, run_jobs):
    _client, operator = staff_client("appeals_operator")
    with django_capture_on_commit_callbacks(execute=True):
        appeal_answer(appeal=appeal, text=text, actor=operator)
    run_jobs()


def _link_in(message) -> str:
    """The path of the Kazakh part's link to the follower's page (after RGIS_PUBLIC_URL)."""
    found = re.search(r"(/kk/appeals/\S+/follow/\S+/)", message.body)
    assert found, message.body
    return found[1]


def test_following_instead_of_filing_and_hearing_of_the_answer(
    client, staff_client, run_jobs, django_capture_on_commit_callbacks
):
    existing = appeal_filed(lat=INSIDE)
    run_jobs()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/appeals/{existing.number}/follow/", {"email": "Neighbour@Example.kz"}
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert "We sent a letter to that address. Open the link in it to confirm" in page
    assert "neighbour@example.kz" not in page.lower()  # never written back
    assert AppealFollower.objects.get().email == "neighbour@example.kz"
    # Twice is once.
    client.post(f"/en/appeals/{existing.number}/follow/", {"email": "neighbour@example.kz"})
    assert AppealFollower.objects.count() == 1
    assert Appeal.objects.count() == 1

    run_jobs()
    (letter,) = [m for m in mail.outbox if m.to == ["neighbour@example.kz"]]
    assert existing.number in letter.body
    link = _link_in(letter)
    assert link.replace("/kk/", "/ru/") in letter.body  # each language's part to its pages
    # Opening the link (as a mail scanner does) confirms nothing: a button does.
    shown = client.get(link.replace("/kk/", "/en/")).content.decode()
    assert ">Confirm</button>" in shown
    assert AppealFollower.objects.get().confirmed_at is None
    confirmed = client.post(link.replace("/kk/", "/en/"), {"action": "confirm"})
    assert f"You follow appeal {existing.number}" in confirmed.content.decode()

    mail.outbox.clear()
    _answer(
        staff_client,
        existing,
        "Фонарь заменён 12 марта",
        django_capture_on_commit_callbacks,
        run_jobs,
    )
    to_follower = [m for m in mail.outbox if m.to == ["neighbour@example.kz"]]
    assert len(to_follower) == 1
    assert existing.number in to_follower[0].body
    assert "Фонарь заменён 12 марта" in to_follower[0].body
    assert _link_in(to_follower[0]) == link  # the way to stop following
    # The follower's mail names nobody: not the applicant, nor the other addressees.
    assert existing.applicant_name.split()[0] not in to_follower[0].body
    assert existing.applicant_email not in to_follower[0].body
    to_applicant = [m for m in mail.outbox if m.to == [existing.applicant_email]]
    assert len(to_applicant) == 1 and "neighbour" not in str(to_applicant[0].message())

    stopped = client.post(link.replace("/kk/", "/en/"), {"action": "stop"})
    assert "You no longer follow appeal" in stopped.content.decode()
    assert not AppealFollower.objects.exists()
    assert client.get(link).status_code == 404


def test_an_address_nobody_confirmed_gets_no_news_of_the_appeal(
    client, staff_client, run_jobs, django_capture_on_commit_callbacks
):
    existing = appeal_filed(lat=INSIDE)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/appeals/{existing.number}/follow/", {"email": "victim@example.kz"})
    run_jobs()
    assert len([m for m in mail.outbox if m.to == ["victim@example.kz"]]) == 1  # the question

    mail.outbox.clear()
    _answer(staff_client, existing, "Сделано", django_capture_on_commit_callbacks, run_jobs)

    assert [m for m in mail.outbox if m.to == ["victim@example.kz"]] == []


def test_a_wrong_email_or_a_closed_appeal_cannot_be_followed(client, staff_client):
    existing = appeal_filed()
    wrong = client.post(f"/en/appeals/{existing.number}/follow/", {"email": "not-an-email"})
    assert wrong.status_code == 400
    _client, operator = staff_client("appeals_operator")
    appeal_answer(appeal=existing, text="Сделано", actor=operator)
    appeal_status_set(appeal=existing, status="closed", actor=operator)
    closed = client.post(f"/en/appeals/{existing.number}/follow/", {"email": "a@example.kz"})
    assert closed.status_code == 400
    assert "closed" in closed.content.decode()
    assert AppealFollower.objects.count() == 0
