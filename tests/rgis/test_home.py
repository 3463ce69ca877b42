import json
import re
import time

import pytest
from django.utils import timezone

from geodata.demo import demo_districts_load
from geodata.models import District
from geodata.services import district_upsert

pytestmark = pytest.mark.django_db


def test_the_root_address_sends_visitors_to_the_kazakh_map(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/kk/"


def test_a_russian_browser_lands_on_the_russian_map(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")
    assert response.url == "/ru/"


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_home_page_has_map_switcher_search_and_language_links(client, language):
    demo_districts_load()
    page = client.get(f"/{language}/").content.decode()
    assert f'<html lang="{language}">' in page
    assert 'class="folium-map"' in page
    assert "rgisShell.attach(" in page
    assert 'name="q"' in page  # the search box
    for other in ("kk", "ru", "en"):
        if other != language:
            assert f'href="/{other}/"' in page
    # The district layer carries the names in the page's language (as JSON in the script).
    expected_name = {"kk": "Солтүстік аудан", "ru": "Северный район", "en": "North district"}
    assert json.dumps(expected_name[language]) in page


def test_home_page_references_only_the_portals_own_assets(client):
    page = client.get("/kk/").content.decode()
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', page)
    assert external == []
    assert re.search(r'src="/static/vendor/leaflet/leaflet\.[0-9a-f]+\.js"', page)


def test_search_finds_districts_by_name_in_any_language(client):
    demo_districts_load()
    page = client.get("/en/search/", {"q": "Оңтүстік"}).content.decode()
    assert "South district" in page
    assert "#map=13/" in page
    page = client.get("/en/search/", {"q": "nowhere"}).content.decode()
    assert "Nothing found for" in page
    page = client.get("/en/search/", {"q": "x"}).content.decode()
    assert "at least two letters" in page


def test_unknown_pages_answer_404_in_the_visitors_language(client):
    response = client.get("/ru/no-such-page/")
    assert response.status_code == 404
    assert '<html lang="ru">' in response.content.decode()


def test_healthz_reports_the_database_answering(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_an_upload_over_the_limit_is_refused_before_it_is_read(client, settings):
    settings.RGIS_MAX_UPLOAD_MB = 1
    too_big = str(3 * 1024 * 1024)
    response = client.post(
        "/api/imports/",
        data=b"x",
        content_type="application/zip",
        CONTENT_LENGTH=too_big,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 413
    assert response.json()["error"].startswith("This upload is 3 MB; the portal accepts up to 1 MB")

    response = client.post("/ru/staff/imports/new/", data={}, CONTENT_LENGTH=too_big)
    assert response.status_code == 413
    page = response.content.decode()
    assert '<html lang="ru">' in page
    assert "3 МБ" in page


def test_the_cached_home_map_follows_changes_to_its_layers(client):
    demo_districts_load()
    assert json.dumps("North district") in client.get("/en/").content.decode()
    north = District.objects.get(slug="north")
    district_upsert(
        slug="north",
        name_kk=north.name_kk,
        name_ru=north.name_ru,
        name_en="Northern district",
        geometry=north.geometry,
        source=north.source,
    )
    page = client.get("/en/").content.decode()
    assert json.dumps("Northern district") in page
    assert json.dumps("North district") not in page


def test_a_change_made_by_another_process_reaches_the_home_map_within_the_memo_lifetime(
    client, monkeypatch, settings
):
    settings.RGIS_REFERENCE_MEMO_SECONDS = 5
    demo_districts_load()
    assert json.dumps("North district") in client.get("/en/").content.decode()
    # Another process (the import worker) renames it: nothing tells this one.
    District.objects.filter(slug="north").update(
        name_en="Northern district", updated_at=timezone.now()
    )
    now = time.monotonic()

    monkeypatch.setattr("rgis.memo.time.monotonic", lambda: now + 1)
    assert json.dumps("North district") in client.get("/en/").content.decode()
    monkeypatch.setattr("rgis.memo.time.monotonic", lambda: now + 6)
    assert json.dumps("Northern district") in client.get("/en/").content.decode()
