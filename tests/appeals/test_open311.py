"""Open311 GeoReport v2: every GET endpoint read by the PyPI `georeport` client from a live
server in JSON and XML, POST with partner keys, the spec's errors, and no personal data."""

import datetime
import hashlib
import importlib
import io

import pytest
import requests
import xmltodict
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone
from georeport import GeoReport

from appeals.models import Appeal, Category, PartnerApiKey
from appeals.services.filing import Applicant, appeal_file
from appeals.services.partners import partner_key_issue
from tests.appeals.test_filing import jpeg_with_gps
from tests.appeals.test_staff_board import TARAZ

SEEDED = Applicant(
    full_name="Байтурсынова Сауле Ерболкызы",
    iin="061211600012",
    email="saule.b@example.kz",
    phone="+77015550101",
    postal_address="ул. Абая, 3, кв. 14",
)
PRIVATE = [
    "Байтурсынова",
    "Сауле",
    "Ерболкызы",
    "061211600012",
    "0612 1160 0012",
    "saule.b@example.kz",
    "+77015550101",
    "77015550101",
    "кв. 14",
    "Жаксылыков",
    "Нурлан",
    "031105500140",
    "nurlan@example.kz",
    "+77023334455",
]
FORMATS = ["json", "xml"]


@pytest.fixture
def seeded(transactional_db):
    """The categories and departments of the data migration (a live-server test's flush
    removes them), and appeals of each kind: open, answered with a photo, old, hidden."""
    importlib.import_module("appeals.migrations.0002_defaults").defaults_add(apps, None)
    roads = Category.objects.get(slug="roads")
    lighting = Category.objects.get(slug="lighting")
    open_one, _ = appeal_file(
        category=roads, description="Яма у остановки Достык", applicant=SEEDED, **TARAZ
    )
    answered, _ = appeal_file(
        category=lighting,
        description="Не горит фонарь у дома 7",
        applicant=SEEDED,
        photos=[jpeg_with_gps((300, 200))],
        address="ул. Толе би, 7",
        **TARAZ,
    )
    Appeal.objects.filter(pk=answered.pk).update(status="answered", answer="Фонарь заменён.")
    old, _ = appeal_file(
        category=roads, description="Старое обращение о дороге", applicant=SEEDED, **TARAZ
    )
    Appeal.objects.filter(pk=old.pk).update(
        received_at=timezone.now() - datetime.timedelta(days=120)
    )
    hidden, _ = appeal_file(
        category=roads, description="Оскорбительный текст жалобы", applicant=SEEDED, **TARAZ
    )
    Appeal.objects.filter(pk=hidden.pk).update(description_hidden=True, hidden_reason="Брань")
    return {"open": open_one, "answered": answered, "old": old, "hidden": hidden}


def as_list(value) -> list:
    """xmltodict gives one element as a dict and several as a list."""
    return value if isinstance(value, list) else [value]


# The georeport client against a live server ------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_georeport_reads_services_and_their_definitions(live_server, seeded, fmt):
    client = GeoReport(f"{live_server.url}/open311/v2", output_format=fmt)
    services = {s["service_code"]: s for s in as_list(client.get_service_list())}
    assert set(services) == set(
        Category.objects.filter(is_active=True).values_list("slug", flat=True)
    )
    roads = services["roads"]
    assert roads["service_name"] == "Дороги"  # Russian when the client names no language
    assert roads["type"] == "realtime"
    assert str(roads["metadata"]).lower() == "true"
    assert roads["group"] == "Отдел пассажирского транспорта и автомобильных дорог"
    assert "Жолдар" in roads["keywords"]
    # Anonymous reports of a threat to safety need no IIN: no extra attributes required.
    assert str(services["safety"]["metadata"]).lower() == "false"

    definition = client.get_service_definition("roads")
    assert definition["service_code"] == "roads"
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = as_list(attributes["attribute"])
    iin = next(a for a in attributes if a["code"] == "iin")
    assert str(iin["required"]).lower() == "true" and iin["datatype"] == "string"
    assert str(iin["order"]) == "1" and str(iin["variable"]).lower() == "true"
    assert iin["datatype_description"] and iin["description"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_georeport_reads_requests_and_one_request(live_server, seeded, fmt):
    client = GeoReport(f"{live_server.url}/open311/v2", output_format=fmt)
    listed = {r["service_request_id"]: r for r in as_list(client.get_service_requests())}
    # The last 90 days by default: the 120-day-old appeal is not there.
    assert set(listed) == {seeded[k].number for k in ("open", "answered", "hidden")}
    answered = listed[seeded["answered"].number]
    assert answered["status"] == "closed"
    assert "Фонарь заменён." in answered["status_notes"]
    assert (
        answered["service_code"] == "lighting" and answered["service_name"] == "Уличное освещение"
    )
    assert answered["agency_responsible"] == "Отдел ЖКХ"
    assert answered["address"] == "ул. Толе би, 7"
    assert float(answered["lat"]) == pytest.approx(42.9)
    assert float(answered["long"]) == pytest.approx(71.37)
    assert answered["media_url"].startswith(live_server.url + "/")
    photo = requests.get(answered["media_url"], timeout=10)  # the photo itself, served
    assert photo.status_code == 200 and photo.headers["Content-Type"] == "image/jpeg"
    assert photo.content[:3] == b"\xff\xd8\xff"
    expected = seeded["answered"].deadline.isoformat()
    assert answered["expected_datetime"].startswith(expected)
    assert answered["requested_datetime"].endswith("+05:00")
    assert not listed[seeded["hidden"].number]["description"]

    opened = client.get_service_requests(status="open", service_code="roads")
    assert [r["service_request_id"] for r in as_list(opened)] == [
        seeded["hidden"].number,
        seeded["open"].number,
    ]
    by_ids = client.get_service_requests(
        service_request_id=f"{seeded['old'].number},{seeded['answered'].number}"
    )
    assert {r["service_request_id"] for r in as_list(by_ids)} == {
        seeded["old"].number,
        seeded["answered"].number,
    }
    start = (timezone.now() - datetime.timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - datetime.timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    in_range = client.get_service_requests(start_date=start, end_date=end)
    assert [r["service_request_id"] for r in as_list(in_range)] == [seeded["old"].number]

    one = client.get_service_request(seeded["open"].number)
    assert one["service_request_id"] == seeded["open"].number
    assert one["status"] == "open" and one["description"] == "Яма у остановки Достык"


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_and_tokens_over_http(live_server, seeded, fmt):
    # The georeport client has no call for these two: plain HTTP, parsed as it would.
    base = f"{live_server.url}/open311/v2"
    response = requests.get(f"{base}/discovery.{fmt}", timeout=10)
    assert response.status_code == 200
    if fmt == "json":
        assert response.headers["Content-Type"].startswith("application/json")
        endpoint = response.json()["endpoints"][0]
        formats = endpoint["formats"]
    else:
        assert response.headers["Content-Type"].startswith("text/xml")
        endpoint = xmltodict.parse(response.content)["discovery"]["endpoints"]["endpoint"]
        formats = endpoint["formats"]["format"]
    assert endpoint["url"] == base
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(formats) == {"application/json", "text/xml"}

    partner, key = partner_key_issue(name="Taraz City App")
    posted = requests.post(
        f"{base}/requests.{fmt}",
        data={
            "api_key": key,
            "service_code": "roads",
            "lat": "42.91",
            "long": "71.36",
            "description": "Провал асфальта во дворе",
            "first_name": "Нурлан",
            "last_name": "Жаксылыков",
            "email": "nurlan@example.kz",
            "attribute[iin]": "031105500140",
        },
        timeout=10,
    )
    assert posted.status_code == 200
    if fmt == "json":
        token = posted.json()[0]["token"]
    else:
        token = xmltodict.parse(posted.content)["service_requests"]["request"]["token"]
    answer = requests.get(f"{base}/tokens/{token}.{fmt}", timeout=10)
    number = Appeal.objects.get(partner=partner).number
    if fmt == "json":
        assert answer.json() == [{"service_request_id": number, "token": token}]
    else:
        request = xmltodict.parse(answer.content)["service_requests"]["request"]
        assert request == {"service_request_id": number, "token": token}
    missing = requests.get(f"{base}/tokens/nope.{fmt}", timeout=10)
    assert missing.status_code == 404


# POST and errors (the test client) ----------------------------------------------------------


@pytest.fixture
def partner_key(db):
    return partner_key_issue(name="Taraz City App", contact="dev@app.kz")


def post(client, key: str, fmt: str = "json", **changes):
    data = {
        "api_key": key,
        "service_code": "roads",
        "lat": "42.91",
        "long": "71.36",
        "address_string": "ул. Жамбыла, 10",
        "description": "Провал асфальта во дворе дома",
        "first_name": "Нурлан",
        "last_name": "Жаксылыков",
        "email": "nurlan@example.kz",
        "phone": "+77023334455",
        "attribute[iin]": "031105500140",
    }
    data.update(changes)
    data = {name: value for name, value in data.items() if value is not None}
    # English answers, so the tests can read the errors (without a language: Russian).
    return client.post(f"/open311/v2/requests.{fmt}", data, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.django_db
def test_a_partner_posts_a_request_with_its_key(client, partner_key):
    partner, key = partner_key
    response = post(client, key)
    assert response.status_code == 200
    appeal = Appeal.objects.get()
    [answer] = response.json()
    assert answer["service_request_id"] == appeal.number
    assert answer["token"] == appeal.partner_token and answer["account_id"] is None
    assert appeal.due.isoformat() in answer["service_notice"]
    assert appeal.partner == partner and appeal.channel == "web"
    assert appeal.applicant_name == "Жаксылыков Нурлан"
    assert appeal.applicant_email == "nurlan@example.kz" and appeal.address == "ул. Жамбыла, 10"
    assert appeal.applicant_iin_digest and "031105500140" not in appeal.applicant_iin_encrypted
    xml = post(client, key, "xml", description="Второе обращение о яме")
    assert xml["Content-Type"] == "text/xml; charset=utf-8"
    request = xmltodict.parse(xml.content)["service_requests"]["request"]
    assert request["service_request_id"] == Appeal.objects.latest("pk").number


@pytest.mark.django_db
def test_the_same_partner_token_twice_makes_one_appeal(client, partner_key):
    _partner, key = partner_key
    first = post(client, key, partner_token="app-7f3a-0001").json()
    again = post(client, key, partner_token="app-7f3a-0001").json()
    assert first == again and Appeal.objects.count() == 1
    other = post(client, key, partner_token="app-7f3a-0002").json()
    assert other[0]["service_request_id"] != first[0]["service_request_id"]
    token = first[0]["token"]
    assert client.get(f"/open311/v2/tokens/{token}.json").json() == [
        {"service_request_id": first[0]["service_request_id"], "token": token}
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_bad_or_missing_key_is_refused_with_403(client, partner_key, fmt):
    _partner, key = partner_key
    for bad in ("", "not-a-key", key + "x"):
        response = post(client, bad, fmt)
        assert response.status_code == 403
    PartnerApiKey.objects.update(is_active=False)
    response = post(client, key, fmt)
    assert response.status_code == 403
    if fmt == "json":
        assert response.json() == [
            {"code": 403, "description": "The api_key is missing or not valid."}
        ]
    else:
        error = xmltodict.parse(response.content)["errors"]["error"]
        assert error == {"code": "403", "description": "The api_key is missing or not valid."}
    assert Appeal.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_bad_input_is_refused_with_400_in_the_spec_format(client, partner_key, fmt):
    _partner, key = partner_key

    def error_of(response) -> dict:
        assert response.status_code == 400
        if fmt == "json":
            [error] = response.json()
            return error
        error = xmltodict.parse(response.content)["errors"]["error"]
        return {"code": int(error["code"]), "description": error["description"]}

    assert error_of(post(client, key, fmt, service_code=None)) == {
        "code": 400,
        "description": "service_code is required.",
    }
    assert (
        "Unknown service_code" in error_of(post(client, key, fmt, service_code="x"))["description"]
    )
    assert (
        "check digit"
        in error_of(post(client, key, fmt, **{"attribute[iin]": "031105500141"}))["description"]
    )
    assert (
        "Give lat and long" in error_of(post(client, key, fmt, lat=None, long=None))["description"]
    )
    assert "outside the city" in error_of(post(client, key, fmt, lat="51.1"))["description"]
    assert "lat must be a number" in error_of(post(client, key, fmt, lat="north"))["description"]
    assert Appeal.objects.count() == 0


@pytest.mark.django_db
def test_an_anonymous_report_where_the_category_allows_it(client, partner_key):
    _partner, key = partner_key
    response = post(
        client,
        key,
        service_code="safety",
        description="Открытый люк у школы",
        first_name=None,
        last_name=None,
        email=None,
        phone=None,
        **{"attribute[iin]": None},
    )
    assert response.status_code == 200
    assert Appeal.objects.get().is_anonymous


@pytest.mark.django_db
def test_request_list_filters_pages_and_errors(client, django_assert_max_num_queries):
    for index in range(5):
        appeal_file(
            category=Category.objects.get(slug="roads"),
            description=f"Яма номер {index} на дороге",
            applicant=SEEDED,
            photos=[jpeg_with_gps((200, 100))] if index % 2 else [],
            **TARAZ,
        )
    with django_assert_max_num_queries(4):
        page = client.get("/open311/v2/requests.json?page_size=2").json()
    assert len(page) == 2
    numbers = [r["service_request_id"] for r in page]
    second = client.get("/open311/v2/requests.json?page_size=2&page=2").json()
    assert not set(numbers) & {r["service_request_id"] for r in second}
    assert client.get("/open311/v2/requests.json?page=9").json() == []
    assert client.get("/open311/v2/requests.json?status=closed").json() == []
    assert len(client.get("/open311/v2/requests.json?status=open,closed").json()) == 5

    def error(query: str) -> str:
        response = client.get(f"/open311/v2/requests.json?{query}", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        return response.json()[0]["description"]

    assert "at most 90 days" in error(
        "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z"
    )
    assert "W3C" in error("start_date=yesterday")
    assert "open or closed" in error("status=pending")
    assert "positive whole number" in error("page_size=0")


@pytest.mark.django_db
def test_the_language_follows_locale_or_accept_language(client):
    def roads(query: str = "", **headers) -> str:
        services = client.get(f"/open311/v2/services.json{query}", **headers).json()
        return next(s["service_name"] for s in services if s["service_code"] == "roads")

    assert roads() == "Дороги"
    assert roads("?locale=kk") == "Жолдар"
    assert roads(HTTP_ACCEPT_LANGUAGE="kk-KZ,kk;q=0.9") == "Жолдар"
    assert roads("?locale=en", HTTP_ACCEPT_LANGUAGE="kk") == "Roads"


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_things_are_404_in_the_spec_format(client, fmt):
    for path in (f"requests/2026-999999.{fmt}", f"services/nope.{fmt}", f"nothing.{fmt}"):
        response = client.get(f"/open311/v2/{path}")
        assert response.status_code == 404
        if fmt == "json":
            assert response.json()[0]["code"] == 404
        else:
            assert xmltodict.parse(response.content)["errors"]["error"]["code"] == "404"


@pytest.mark.django_db
def test_the_key_command_prints_a_key_once_and_keeps_only_its_hash(client):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "open311_key_issue", "Taraz City App", "--contact", "dev@app.kz", stdout=out, stderr=err
    )
    key = out.getvalue().strip()
    partner = PartnerApiKey.objects.get()
    assert partner.key_digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(list(PartnerApiKey.objects.values()))
    assert "cannot be shown again" in err.getvalue() and partner.prefix in err.getvalue()
    assert post(client, key).status_code == 200


@pytest.mark.django_db
def test_no_personal_data_in_any_open311_answer(client, partner_key):
    _partner, key = partner_key
    filed, _ = appeal_file(
        category=Category.objects.get(slug="roads"),
        description="Яма у дома на углу",
        applicant=SEEDED,
        photos=[jpeg_with_gps((200, 100))],
        **TARAZ,
    )
    answers = [post(client, key, fmt, partner_token=f"privacy-{fmt}") for fmt in FORMATS]
    token = Appeal.objects.exclude(partner_token=None).first().partner_token
    for fmt in FORMATS:
        for path in (
            "discovery",
            "services",
            "services/roads",
            "requests",
            f"requests/{filed.number}",
            f"tokens/{token}",
        ):
            answers.append(client.get(f"/open311/v2/{path}.{fmt}"))
        answers.append(post(client, key, fmt, **{"attribute[iin]": "031105500141"}))
        answers.append(post(client, "bad", fmt))
    for numbers in ("requests.json?service_request_id=", "requests.xml?service_request_id="):
        all_numbers = ",".join(Appeal.objects.values_list("number", flat=True))
        answers.append(client.get(f"/open311/v2/{numbers}{all_numbers}"))
    assert len([a for a in answers if a.status_code == 200]) >= 14
    for answer in answers:
        text = answer.content.decode()
        for secret in PRIVATE:
            assert secret not in text, (answer.request["PATH_INFO"], secret)
