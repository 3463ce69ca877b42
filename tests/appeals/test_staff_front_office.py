"""The front office: an operator files for a walk-in or phone visitor and prints the receipt."""

import re

import pytest

from appeals.models import Appeal, Category
from staff.models import AuditEntry

pytestmark = pytest.mark.django_db


def form_key(page: str) -> str:
    return re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)


def visitor(key: str, **changes) -> dict:
    data = {
        "category": Category.objects.get(slug="lighting").pk,
        "description": "Не горит фонарь у дома 5 по улице Толе би",
        "address": "ул. Толе би, 5",
        "lat": "42.9012",
        "lon": "71.3801",
        "channel": "phone",
        "full_name": "Оспанов Ерлан Маратович",
        "iin": "061211600012",
        "phone": "+77012223344",
        "email": "",
        "postal_address": "",
        "idempotency_key": key,
    }
    data.update(changes)
    return data


def test_the_form_is_made_for_the_keyboard(staff_client):
    client, _user = staff_client("appeals_operator")
    page = client.get("/en/staff/appeals/new/").content.decode()
    # The category list takes the focus; its options start with their shortcut number.
    assert re.search(r'<select name="category"[^>]*autofocus', page)
    names = [c.name_en for c in Category.objects.filter(is_active=True)]
    assert f">1. {names[0]}</option>" in page and f">2. {names[1]}</option>" in page
    for channel in ("walk_in", "phone", "social", "eotinish", "web"):
        assert f'value="{channel}"' in page
    assert 'value="walk_in" selected' in page  # the default at the counter
    assert len(form_key(page)) == 32
    # Another visit of the page: another key (another appeal).
    assert form_key(client.get("/en/staff/appeals/new/").content.decode()) != form_key(page)


def test_an_operator_files_for_a_phone_caller_and_prints_the_receipt(staff_client):
    client, operator = staff_client("appeals_operator")
    operator.first_name, operator.last_name = "Айжан", "Нурланова"
    operator.save()
    key = form_key(client.get("/en/staff/appeals/new/").content.decode())
    response = client.post("/en/staff/appeals/new/", visitor(key), follow=True)
    appeal = Appeal.objects.get()
    assert appeal.channel == "phone" and appeal.accepted_by == operator
    assert appeal.applicant_name == "Оспанов Ерлан Маратович"
    assert response.redirect_chain[-1][0] == f"/en/staff/appeals/{appeal.number}/receipt/"
    receipt = response.content.decode().split("data-receipt")[1]
    assert appeal.number in receipt
    assert "Айжан Нурланова" in receipt.split("data-accepted-by>")[1].split("</dd>")[0]
    assert "phone" in receipt and appeal.due.strftime("%d.%m.%Y") in receipt
    assert "Follow the appeal" in receipt
    assert AuditEntry.objects.filter(action="appeals.appeal.file", actor=operator).exists()
    # The next visitor: the channel chosen last stays selected.
    page = client.get("/en/staff/appeals/new/").content.decode()
    assert 'value="phone" selected' in page


def test_enter_pressed_twice_makes_one_appeal(staff_client):
    client, _user = staff_client("appeals_operator")
    key = form_key(client.get("/en/staff/appeals/new/").content.decode())
    first = client.post("/en/staff/appeals/new/", visitor(key))
    second = client.post("/en/staff/appeals/new/", visitor(key))
    assert Appeal.objects.count() == 1
    assert first.url == second.url == f"/en/staff/appeals/{Appeal.objects.get().number}/receipt/"


def test_what_the_service_refuses_is_shown_on_the_form_and_nothing_is_filed(staff_client):
    client, _user = staff_client("appeals_operator")
    key = form_key(client.get("/en/staff/appeals/new/").content.decode())
    wrong_iin = client.post("/en/staff/appeals/new/", visitor(key, iin="061211600013"))
    assert wrong_iin.status_code == 400
    assert "check digit does not match" in wrong_iin.content.decode()
    anonymous = client.post(
        "/en/staff/appeals/new/", visitor(key, anonymous="on", full_name="", iin="")
    )
    assert "Anonymous appeals are not considered in this category" in anonymous.content.decode()
    outside = client.post("/en/staff/appeals/new/", visitor(key, lat="51.1", lon="71.4"))
    assert "outside the city" in outside.content.decode()
    assert Appeal.objects.count() == 0
    # The form keeps what was typed and the same key for the corrected submission.
    assert form_key(outside.content.decode()) == key
    assert "Толе би, 5" in outside.content.decode()


def test_without_coordinates_the_address_must_be_found(staff_client):
    client, _user = staff_client("appeals_operator")
    key = form_key(client.get("/en/staff/appeals/new/").content.decode())
    response = client.post(
        "/en/staff/appeals/new/", visitor(key, lat="", lon="", address="Нет такой улицы 99")
    )
    assert response.status_code == 400
    assert "Click the place on the map or give its coordinates" in response.content.decode()
    half = client.post("/en/staff/appeals/new/", visitor(key, lon=""))
    assert "Give both the latitude and the longitude." in half.content.decode()
    assert Appeal.objects.count() == 0


def test_an_address_of_the_parcel_registry_places_the_pin(staff_client):
    from django.contrib.gis.geos import MultiPolygon, Polygon

    from parcels.models import LandPurpose, Parcel
    from tests.factories import SettlementFactory

    square = Polygon.from_bbox((71.40, 42.89, 71.401, 42.891))
    square.srid = 4326
    Parcel.objects.create(
        cadastral_number="06-097-001-123",
        address_ru="г. Тараз, ул. Желтоксан, 17",
        area_ha="0.0900",
        settlement=SettlementFactory(),
        purpose=LandPurpose.objects.get_or_create(
            code="izhs", defaults={"name_kk": "ЖТҮҚ", "name_ru": "ИЖС", "name_en": "Housing"}
        )[0],
        geometry=MultiPolygon(square, srid=4326),
    )
    client, _user = staff_client("appeals_operator")
    key = form_key(client.get("/en/staff/appeals/new/").content.decode())
    response = client.post(
        "/en/staff/appeals/new/", visitor(key, lat="", lon="", address="Желтоксан, 17")
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert 71.40 < appeal.location.x < 71.401 and 42.89 < appeal.location.y < 42.891
    assert appeal.address == "Желтоксан, 17"


def test_an_anonymous_report_where_the_category_allows_it(staff_client):
    client, operator = staff_client("appeals_operator")
    key = form_key(client.get("/en/staff/appeals/new/").content.decode())
    data = visitor(
        key,
        category=Category.objects.get(slug="safety").pk,
        description="Открытый люк у школы №12, дети рядом",
        channel="walk_in",
        anonymous="on",
        full_name="",
        iin="",
        phone="",
    )
    response = client.post("/en/staff/appeals/new/", data, follow=True)
    appeal = Appeal.objects.get()
    assert appeal.is_anonymous and appeal.channel == "walk_in"
    assert appeal.number in response.content.decode()


@pytest.mark.parametrize("role", ["moderator", "planner", "queue_officer"])
def test_only_appeals_operators_file_for_visitors(staff_client, role):
    client, _user = staff_client(role)
    assert client.get("/en/staff/appeals/new/").status_code == 403
    assert client.post("/en/staff/appeals/new/", visitor("k1")).status_code == 403
    assert Appeal.objects.count() == 0
