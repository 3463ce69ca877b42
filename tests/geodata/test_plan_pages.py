"""The public pages of plans, layers and versions, on layers imported by the real core."""

import datetime
import html
import re

import pytest
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.formats import date_format

from geodata.importing.core import ImportOptions, layer_import
from geodata.models import Layer, LayerVersion, Plan
from geodata.samples import parcel_grid, shapefile_zip
from geodata.selectors import version_attribute_table, version_features_geojson
from geodata.services import layer_get_or_create, plan_get_or_create
from geodata.views import public as views
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

NAZVANIE = "Жилая зона индивидуальной застройки"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Version maps are cached; a test must not see another test's rendering.
    cache.clear()
    yield
    cache.clear()


def _import(layer: Layer, frame, path, user=None) -> dict:
    zipped = shapefile_zip(frame, path)
    return layer_import(
        upload=zipped,
        original_name=path.name,
        layer=layer,
        options=ImportOptions(),
        user=user,
        publish=True,
    )


@pytest.fixture
def planner():
    return StaffUserFactory(username="aigerim.planner")


@pytest.fixture
def zones(tmp_path, planner) -> Layer:
    """A draft ПДП with a parcel layer in two versions.

    Version 2 drops the first two parcels, adds two new ones and changes the zone of one.
    """
    plan, _ = plan_get_or_create(
        slug="pdp-aulie-ata",
        name_kk="Әулиеата ЕЖЖ",
        name_ru="ПДП Аулие-Ата",
    )
    Plan.objects.filter(pk=plan.pk).update(name_en="Aulie-Ata detailed plan")
    layer, _ = layer_get_or_create(
        plan=plan,
        slug="parcels",
        kind=Layer.Kind.PARCELS,
        name_kk="Учаскелер",
        name_ru="Участки",
    )
    _import(layer, parcel_grid(30), tmp_path / "parcels-2025.zip", user=planner)
    revised = parcel_grid(32).iloc[2:].copy()
    revised.loc[5, "ZONA"] = "Р-1"
    _import(layer, revised, tmp_path / "parcels-2026.zip", user=planner)
    return layer


@pytest.fixture
def approved_master_plan() -> Plan:
    plan, _ = plan_get_or_create(
        slug="genplan-2030",
        kind=Plan.Kind.MASTER_PLAN,
        name_kk="Тараз қаласының бас жоспары",
        name_ru="Генеральный план города Тараз",
    )
    Plan.objects.filter(pk=plan.pk).update(
        status=Plan.Status.APPROVED,
        approval_body="Жамбыл облыстық мәслихаты",
        approval_number="VII-505",
        approval_date=datetime.date(2024, 3, 15),
    )
    plan.refresh_from_db()
    return plan


def _text(response) -> str:
    """The page as a visitor reads it: tags stripped, entities and spaces collapsed."""
    body = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    body = re.sub(r"</?(?:a|span|strong|code)\b[^>]*>", "", body)  # inline: no word break
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


# The plan list


def test_plan_list_groups_plans_and_marks_drafts(client, zones, approved_master_plan):
    retired, _ = plan_get_or_create(slug="pdp-old", name_ru="Старый ПДП", name_kk="Ескі ЕЖЖ")
    Plan.objects.filter(pk=retired.pk).update(status=Plan.Status.ARCHIVED)

    response = client.get("/ru/plans/")

    assert response.status_code == 200
    page = response.content.decode()
    text = _text(response)
    master = text.index("Генеральный план города Тараз")
    detailed = text.index("ПДП Аулие-Ата")
    archived = text.index("Старый ПДП")
    assert master < detailed < archived  # master plan, detailed plans, then the archive
    assert '<span class="plan-badge plan-badge-draft">' in page
    assert '<span class="plan-badge plan-badge-approved">' in page
    assert '<span class="plan-badge plan-badge-archived">' in page
    with translation.override("ru"):
        decision_date = date_format(approved_master_plan.approval_date, "DATE_FORMAT")
    assert "Жамбыл облыстық мәслихаты" in text
    assert "VII-505" in text
    assert decision_date in text
    assert 'href="/ru/plans/pdp-aulie-ata/"' in page


def test_plan_list_in_english_shows_badges_decision_and_layer_count(
    client, zones, approved_master_plan
):
    text = _text(client.get("/en/plans/"))

    assert "Aulie-Ata detailed plan Draft" in text
    assert "Not approved yet" in text
    assert "1 layer" in text
    assert "0 layers" in text
    assert "Жамбыл облыстық мәслихаты, decision No. VII-505 of March 15, 2024" in text


def test_plan_list_dates_follow_the_kazakh_format(client, approved_master_plan):
    text = _text(client.get("/kk/plans/"))

    with translation.override("kk"):
        expected = date_format(approved_master_plan.approval_date, "DATE_FORMAT")
    assert expected.startswith("2024 жылғы 15 ")
    assert expected in text


def test_plan_list_takes_one_query_however_many_plans(
    client, zones, approved_master_plan, django_assert_max_num_queries
):
    for number in range(5):
        plan_get_or_create(slug=f"pdp-{number}")
    with django_assert_max_num_queries(2):
        response = client.get("/en/plans/")
    assert response.status_code == 200


# A plan


def test_plan_page_lists_its_layers_with_the_current_version(client, zones):
    response = client.get("/en/plans/pdp-aulie-ata/")

    assert response.status_code == 200
    page = response.content.decode()
    text = _text(response)
    assert "This plan is a draft: not approved" in text
    assert "Учаскелер" in text  # no English name: the Kazakh one stands in
    assert "Parcels · 2 versions" in text  # the kind and how many versions
    version = LayerVersion.objects.get(layer=zones, is_current=True)
    with translation.override("en"):
        uploaded = date_format(timezone.localtime(version.uploaded_at), "DATE_FORMAT")
    assert f"Version 2 of {uploaded}: 30 features" in text
    assert 'href="/en/plans/pdp-aulie-ata/parcels/"' in page


def test_plans_under_discussion_and_archived_plans_say_so(client):
    discussed, _ = plan_get_or_create(slug="pdp-discussed", name_kk="Талқылаудағы ЕЖЖ")
    retired, _ = plan_get_or_create(slug="pdp-retired", name_kk="Ескі ЕЖЖ")
    Plan.objects.filter(pk=discussed.pk).update(status=Plan.Status.PUBLIC_DISCUSSION)
    Plan.objects.filter(pk=retired.pk).update(status=Plan.Status.ARCHIVED)

    listing = _text(client.get("/en/plans/"))
    assert "Талқылаудағы ЕЖЖ Public discussion" in listing
    assert listing.index("Талқылаудағы ЕЖЖ") < listing.index("Archive") < listing.index("Ескі")

    discussed_page = _text(client.get("/en/plans/pdp-discussed/"))
    assert "This plan is a draft: not approved" in discussed_page
    assert "open for public discussion" in discussed_page
    retired_page = _text(client.get("/en/plans/pdp-retired/"))
    assert "This plan is archived" in retired_page
    assert "This plan is a draft" not in retired_page


def test_an_approved_plan_has_no_draft_banner(client, approved_master_plan):
    text = _text(client.get("/en/plans/genplan-2030/"))

    assert "This plan is a draft" not in text
    assert "Approved" in text
    assert "This plan has no layers yet." in text


def test_unknown_plans_layers_and_versions_are_404(client, zones):
    assert client.get("/en/plans/no-such-plan/").status_code == 404
    assert client.get("/en/plans/pdp-aulie-ata/no-such-layer/").status_code == 404
    assert client.get("/en/plans/pdp-aulie-ata/parcels/v3/").status_code == 404
    assert client.get("/en/plans/genplan-2030/parcels/v1/").status_code == 404


# A layer


def test_layer_page_lists_every_version_newest_first_with_the_current_marked(client, zones):
    response = client.get("/en/plans/pdp-aulie-ata/parcels/")

    assert response.status_code == 200
    page = response.content.decode()
    text = _text(response)
    assert text.index("Version 2") < text.index("Version 1")
    assert "Version 2 current" in text
    assert "Version 1 current" not in text
    assert "parcels-2026.zip" in text
    assert "parcels-2025.zip" in text
    assert "+2 added · −2 removed · ~1 changed" in text
    assert "first version: 30 features" in text
    assert 'href="/en/plans/pdp-aulie-ata/parcels/v1/"' in page
    assert 'href="/en/plans/pdp-aulie-ata/parcels/v2/"' in page


# A version


def test_version_page_shows_source_report_changes_map_and_attributes(client, zones):
    response = client.get("/en/plans/pdp-aulie-ata/parcels/v2/")

    assert response.status_code == 200
    page = response.content.decode()
    text = _text(response)
    assert "This plan is a draft: not approved" in text
    assert "This is the current version of the layer." in text
    # Source
    assert "File parcels-2026.zip" in text
    assert "Format ESRI Shapefile" in text
    assert "Coordinate system EPSG:28412" in text
    assert "Text encoding Windows-1251 (cp1251)" in text
    # Import report
    assert "Features 30" in text
    assert "Geometry type MultiPolygon" in text
    assert "Invalid geometries repaired 0" in text
    assert "Features without a geometry 0" in text
    assert "Promoted to multi-part 30" in text  # shapefiles do not tell polygons from multi
    # Changes
    assert "Compared with version 1: +2 added · −2 removed · ~1 changed" in text
    assert "matched by the attribute KAD_NOMER" in text
    assert "Added (2) 06-097-000-030 06-097-000-031" in text
    assert "Removed (2) 06-097-000-000 06-097-000-001" in text
    assert "Changed (1) 06-097-000-005" in text
    assert re.search(r"Area of the polygons: 2[.,]19 ha → 2[.,]19 ha", text)
    # Map: folium's container, Leaflet from the portal, the features inline in WGS 84
    assert 'class="folium-map"' in page
    assert re.search(r'src="/static/vendor/leaflet/leaflet\.[0-9a-f]+\.js"', page)
    assert "fitBounds(" in page
    assert "06-097-000-031" in page.split("<script nonce=")[-1]
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', page) == []
    # Attributes of the first features, columns in the order of the file
    header = re.search(r"<thead>(.*?)</thead>", page, flags=re.S)
    assert header is not None
    assert re.findall(r"<th scope=\"col\">([^<]+)</th>", header.group(1)) == [
        "No.",
        "KAD_NOMER",
        "ZONA",
        "NAZVANIE",
        "PLOSHAD",
    ]
    assert "06-097-000-002" in text
    assert NAZVANIE in text
    assert "The first 30 features of this version." in text


def test_first_version_says_so_and_links_to_the_current_one(client, zones):
    text_page = client.get("/en/plans/pdp-aulie-ata/parcels/v1/")
    page = text_page.content.decode()
    text = _text(text_page)

    assert "This is not the current version. The current one is version 2." in text
    assert 'href="/en/plans/pdp-aulie-ata/parcels/v2/"' in page
    assert "This is the first version: all 30 features are new." in text
    assert re.search(r"Area of the polygons: 2[.,]19 ha(?! →)", text)
    assert "06-097-000-000" in text  # the parcel version 2 removed is still here
    assert "File parcels-2025.zip" in text


def test_uploader_is_shown_to_staff_only(client, zones, planner):
    anonymous = _text(client.get("/en/plans/pdp-aulie-ata/parcels/v2/"))
    assert "aigerim.planner" not in anonymous
    assert "Uploaded by" not in anonymous

    client.force_login(StaffUserFactory())
    staff = _text(client.get("/en/plans/pdp-aulie-ata/parcels/v2/"))
    assert "Uploaded by aigerim.planner" in staff


def test_version_page_speaks_the_visitors_language(client, zones):
    version = LayerVersion.objects.get(layer=zones, number=2)
    with translation.override("ru"):
        uploaded = date_format(timezone.localtime(version.uploaded_at), "DATETIME_FORMAT")

    text = _text(client.get("/ru/plans/pdp-aulie-ata/parcels/v2/"))

    assert "ПДП Аулие-Ата" in text
    assert "Участки" in text
    assert uploaded in text
    assert " г." in uploaded  # the Russian date format, not the English one


def test_version_page_takes_a_few_queries(client, zones, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get("/en/plans/pdp-aulie-ata/parcels/v2/")
    assert response.status_code == 200


def test_the_map_says_when_it_leaves_features_out(client, zones, monkeypatch):
    monkeypatch.setattr(views, "MAP_FEATURE_LIMIT", 10)

    response = client.get("/en/plans/pdp-aulie-ata/parcels/v2/")

    text = _text(response)
    assert "The map shows the first 10 of 30 features." in text
    script = response.content.decode().split("<script nonce=")[-1]  # the inline map script
    assert "06-097-000-011" in script  # the 10th feature of version 2
    assert "06-097-000-012" not in script


# Selectors


def test_features_geojson_is_wgs84_with_six_decimals_and_capped(zones):
    version = LayerVersion.objects.get(layer=zones, number=1)

    capped = version_features_geojson(version, limit=4)

    assert capped.truncated
    features = capped.collection["features"]
    assert [f["properties"]["KAD_NOMER"] for f in features] == [
        "06-097-000-000",
        "06-097-000-001",
        "06-097-000-002",
        "06-097-000-003",
    ]
    lon, lat = features[0]["geometry"]["coordinates"][0][0][0]
    assert 71.0 < lon < 71.8 and 42.6 < lat < 43.2  # Taraz
    assert all(len(str(c).split(".")[1]) <= 6 for c in (lon, lat))
    assert not version_features_geojson(version).truncated


def test_attribute_table_takes_the_union_of_keys_in_first_seen_order(zones):
    version = LayerVersion.objects.get(layer=zones, number=2)
    version.features.filter(fid=1).update(attributes={"KAD_NOMER": "x", "EXTRA": 1})

    table = version_attribute_table(version, limit=3)

    assert table.columns == ["KAD_NOMER", "ZONA", "NAZVANIE", "PLOSHAD", "EXTRA"]
    assert table.rows[1] == [1, "x", None, None, None, 1]
    assert len(table.rows) == 3
