"""Idempotency keys: the filing form's is made and signed by the server, and each door
(the portal's form, the front office, each Open311 partner) has keys of its own, so no key
sent through one door can take another's appeal."""

import time

import pytest
from django.core import signing
from django.db import IntegrityError, transaction

from appeals.forms.public import filing_key_new
from appeals.models import Appeal
from appeals.services.partners import partner_key_issue
from tests.appeals.public_seed import appeal_built, filing_data, local

pytestmark = pytest.mark.django_db

URL = "/en/appeals/new/"
PARTNER_TOKEN = "app-7f3a-0042"


def partner_post(client, key: str, **changes):
    data = {
        "api_key": key,
        "service_code": "roads",
        "lat": "42.91",
        "long": "71.36",
        "description": "Провал асфальта во дворе дома 4",
        "first_name": "Нурлан",
        "last_name": "Жаксылыков",
        "email": "nurlan@example.kz",
        "attribute[iin]": "031105500140",
        "partner_token": PARTNER_TOKEN,
        **changes,
    }
    return client.post("/open311/v2/requests.json", data, HTTP_ACCEPT_LANGUAGE="en")


def test_a_visitor_cannot_pre_claim_a_partners_next_key(client):
    partner, api_key = partner_key_issue(name="Taraz City App", contact="dev@app.kz")
    # The attacker posts the form with the key the partner's app will send next, as it
    # would be stored for the partner, and as the partner sends it.
    for claimed in (f"open311:{partner.pk}:{PARTNER_TOKEN}", PARTNER_TOKEN):
        attack = client.post(
            URL, filing_data(idempotency_key=claimed, description="Захвачено злоумышленником")
        )
        assert attack.status_code == 400
        assert "This form has expired: check what you typed and send it again." in (
            attack.content.decode()
        )
    assert Appeal.objects.count() == 0
    answer = partner_post(client, api_key)
    assert answer.status_code == 200
    appeal = Appeal.objects.get(number=answer.json()[0]["service_request_id"])
    assert appeal.partner == partner
    assert appeal.description == "Провал асфальта во дворе дома 4"
    assert partner_post(client, api_key).json() == answer.json()  # its retry: the same
    assert Appeal.objects.count() == 1


def test_keys_of_the_form_and_of_a_partner_never_meet(client):
    partner, api_key = partner_key_issue(name="Taraz City App", contact="dev@app.kz")
    form_key = filing_key_new()
    token = signing.TimestampSigner(salt="appeals.filing-key").unsign(form_key)
    # A partner sending exactly the form's token (or the signed key) files its own appeal.
    for partner_token in (token, form_key[:64]):
        assert partner_post(client, api_key, partner_token=partner_token).status_code == 200
    filed = client.post(URL, filing_data(idempotency_key=form_key, nearby_shown="1"))
    assert filed.status_code == 303
    number = filed["Location"].split("/")[3]
    web = Appeal.objects.get(number=number)
    assert web.partner is None and web.applicant_name.startswith("Сейткали")
    assert Appeal.objects.filter(partner=partner).count() == 2
    assert sorted(Appeal.objects.values_list("idempotency_key", flat=True)) == sorted(
        [f"open311:{partner.pk}:{token}", f"open311:{partner.pk}:{form_key[:64]}", f"web:{token}"]
    )


def test_a_form_older_than_a_day_comes_back_with_what_was_typed(client, monkeypatch):
    day_ago = time.time() - 25 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: day_ago)
    old_key = filing_key_new()
    monkeypatch.undo()
    response = client.post(URL, filing_data(idempotency_key=old_key))
    assert response.status_code == 400
    page = response.content.decode()
    assert "This form has expired" in page
    assert "Не горит фонарь у дома 12 уже неделю" in page  # what was typed is kept
    assert old_key not in page  # with a fresh key: sent again, it is filed
    assert Appeal.objects.count() == 0


def test_the_database_refuses_a_key_without_its_door():
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.filter(
            pk=appeal_built(received=local(2025, 3, 3), deadline=local(2025, 3, 24).date()).pk
        ).update(idempotency_key="open311-looking-but-unscoped")
