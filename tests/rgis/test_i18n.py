import datetime
import re
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.template import Context, Template
from django.utils import formats, translation

LOCALE_DIR = Path(__file__).resolve().parents[2] / "rgis" / "locale"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_ui_string_is_translated(language):
    catalog = polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))
    assert [e.msgid for e in catalog.untranslated_entries()] == []
    assert [e.msgid for e in catalog.fuzzy_entries()] == []
    assert len(catalog.translated_entries()) > 50


def _visible_text(html: str) -> set[str]:
    """Words a visitor reads: text outside tags, scripts and styles, plus placeholders."""
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    placeholders = re.findall(r'placeholder="([^"]+)"', html)
    text = re.sub(r"<[^>]+>", " ", html) + " " + " ".join(placeholders)
    return set(re.findall(r"[A-Za-z]{4,}", text))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("path", ["/", "/search/?q=zz", "/search/", "/staff/login/"])
def test_no_english_is_left_on_kazakh_and_russian_pages(client, language, path):
    english_words = _visible_text(client.get("/en" + path).content.decode())
    # Names that are the same in every language.
    english_words -= {"RGIS", "English", "Leaflet", "OpenStreetMap", "JavaScript"}
    local_words = _visible_text(client.get(f"/{language}{path}").content.decode())
    assert english_words & local_words == set()


def test_kazakh_dates_and_numbers():
    with translation.override("kk"):
        day = datetime.date(2026, 11, 27)
        assert formats.date_format(day) == "2026 жылғы 27 қараша"
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "27.11.2026"
        assert formats.number_format(Decimal("1234567.5"), 1, force_grouping=True) == (
            "1\xa0234\xa0567,5"
        )
        rendered = Template("{{ area|floatformat:'2g' }}").render(Context({"area": 31798.5}))
        assert rendered == "31\xa0798,50"


def test_russian_dates_keep_the_genitive_month():
    with translation.override("ru"):
        assert formats.date_format(datetime.date(2026, 11, 27)) == "27 ноября 2026 г."


# Words that are data or proper names, the same on every language's page.
DATA_WORDS = {
    "MultiPolygon",
    "ESRI",
    "Shapefile",
    "shapefile",
    "GeoPackage",
    "GeoJSON",
    "Windows",
    "Kazakh",
    "Mercator",
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_english_is_left_on_the_plan_pages(client, language):
    from django.core.management import call_command

    call_command("load_demo")
    for path in (
        "/plans/",
        "/plans/saulet-pdp/",
        "/plans/saulet-pdp/parcels/",
        "/plans/saulet-pdp/parcels/v1/",
        "/plans/taraz-master-plan-2040/zoning/v1/",
    ):
        english = _visible_text(client.get("/en" + path).content.decode())
        english = {word for word in english if not word.isupper()} - DATA_WORDS
        english -= {"RGIS", "English", "Leaflet", "OpenStreetMap", "JavaScript"}
        local = _visible_text(client.get(f"/{language}{path}").content.decode())
        assert english & local == set(), path
