"""Open311 POST: a rate per api_key, and over-long or malformed fields refused with a
GeoReport error naming the parameter (before: a 500 page from the database)."""

import pytest
import xmltodict

from appeals.models import Appeal
from appeals.services.partners import partner_key_issue
from tests.appeals.test_open311 import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_key():
    return partner_key_issue(name="Taraz City App", contact="dev@app.kz")


def error_of(response, fmt: str = "json") -> tuple[int, str]:
    if fmt == "json":
        [error] = response.json()
        return error["code"], error["description"]
    error = xmltodict.parse(response.content)["errors"]["error"]
    return int(error["code"]), error["description"]


@pytest.mark.parametrize(
    ("field", "value", "description"),
    [
        ("first_name", "Н" * 151, "first_name is too long (at most 150 characters)."),
        ("last_name", "Ж" * 151, "last_name is too long (at most 150 characters)."),
        (
            "attribute[full_name]",
            "Ж" * 301,
            "attribute[full_name] is too long (at most 300 characters).",
        ),
        ("phone", "+7" + "0" * 60, "phone is too long (at most 40 characters)."),
        ("phone", "+7 701 <script>", "phone may hold digits, spaces, “+”, “-”, “(” and “)” only."),
        ("email", "n" * 250 + "@example.kz", "email is too long (at most 254 characters)."),
        ("email", "nurlan at example.kz", "email is not an e-mail address."),
        ("description", "Яма " * 1300, "description is too long (at most 5000 characters)."),
        ("address_string", "ул. " * 100, "address_string is too long (at most 300 characters)."),
        ("partner_token", "k" * 65, "partner_token is too long (at most 64 characters)."),
    ],
)
def test_an_over_long_or_malformed_field_is_a_400_naming_it(
    client, partner_key, field, value, description
):
    _partner, key = partner_key
    response = post(client, key, **{field: value})
    assert response.status_code == 400
    assert error_of(response) == (400, description)
    assert Appeal.objects.count() == 0


def test_the_error_comes_in_xml_too(client, partner_key):
    _partner, key = partner_key
    response = post(client, key, "xml", phone="9" * 41)
    assert response.status_code == 400
    assert error_of(response, "xml") == (400, "phone is too long (at most 40 characters).")


def test_a_key_over_its_rate_gets_429_and_another_key_does_not(client, partner_key, settings):
    settings.RGIS_OPEN311_POST_RATE = "2/10m"
    _partner, key = partner_key
    for number in range(2):
        assert post(client, key, partner_token=f"t-{number}").status_code == 200
    refused = post(client, key, partner_token="t-2")
    assert refused.status_code == 429
    code, description = error_of(refused)
    assert code == 429 and description.startswith("Too many requests with this api_key just now")
    assert int(refused["Retry-After"]) > 0
    assert Appeal.objects.count() == 2
    _other, other_key = partner_key_issue(name="Another app")
    assert post(client, other_key).status_code == 200
    # A wrong key is refused as before and spends nobody's count.
    assert post(client, "not-a-key").status_code == 403
