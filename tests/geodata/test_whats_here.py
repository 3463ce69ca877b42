"""GET /api/whats-here: the zone, parcel, plans and district at a point, on layers imported
by the real core (so the zone layers' subdivided parts are filled as they are in use)."""

import datetime
import io
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext

from geodata import lookups
from geodata.demo import PDP_CENTRE, demo_districts_load
from geodata.importing.core import feature_parts_fill
from geodata.importing.crs import crs_parse, crs_transformer
from geodata.models import Feature, FeaturePart, Layer, LayerVersion, Plan
from geodata.samples import TARAZ_GK12, parcel_grid, shapefile_zip
from geodata.services import layer_get_or_create, plan_get_or_create
from tests.geodata.files import file_import

pytestmark = pytest.mark.django_db

URL = "/api/whats-here"
PX, PY = PDP_CENTRE  # the ПДП, in Gauss-Krüger zone 12 metres
TX, TY = TARAZ_GK12
# Points, in the same metres: each test asks about one of them.
IN_PARCEL = (PX - 286.5, PY - 286.5)  # the middle of the first parcel, 06-097-000-000
IN_HOLE = (PX + 700, PY + 700)  # in the hole of the ring zone, still in the ПДП's area
IN_RING = (PX - 700, PY + 700)  # in the ring zone, outside every parcel
IN_CIRCLE = (TX + 1400, TY)  # near the edge of the 2000-vertex circle zone
PAST_CIRCLE = (TX + 1510, TY)  # just outside it
OUTSIDE = (TX + 20000, TY - 20000)  # only superseded and archived zones reach this far


def wgs84(point: tuple[float, float]) -> dict[str, float]:
    """The lat/lon query of a GK12 point, moved with the import's own datum shift."""
    lon, lat = crs_transformer(crs_parse("EPSG:28412"), 4326).transform(*point)
    return {"lat": lat, "lon": lon}


def zones_frame(rows: list[tuple[str, str, shapely.Geometry]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"ZONE_CODE": [code for code, _name, _g in rows], "ZONE_RU": [n for _c, n, _g in rows]},
        geometry=[geometry for _code, _name, geometry in rows],
        crs="EPSG:28412",
    )


def box_around(x: float, y: float, half: float) -> shapely.Polygon:
    return shapely.box(x - half, y - half, x + half, y + half)


def import_frame(layer: Layer, frame: gpd.GeoDataFrame, workdir: Path, name: str) -> dict:
    # UTF-8 with its .cpg, so the Kazakh and Russian text survives as it is.
    archive = shapefile_zip(frame, workdir / name, encoding="utf-8", keep_cpg=True)
    return file_import(archive, layer)


def plan_make(slug: str, kind: str, name_ru: str, status: str = Plan.Status.DRAFT) -> Plan:
    plan, _created = plan_get_or_create(slug=slug, kind=kind, name_kk=f"{name_ru} (kk)")
    Plan.objects.filter(pk=plan.pk).update(
        name_ru=name_ru,
        name_en=f"{name_ru} (en)",
        status=status,
        approval_number="44" if status == Plan.Status.APPROVED else "",
        approval_date=datetime.date(2024, 1, 29) if status == Plan.Status.APPROVED else None,
    )
    plan.refresh_from_db()
    return plan


def layer_make(plan: Plan, slug: str, kind: str, name_ru: str) -> Layer:
    return layer_get_or_create(
        plan=plan, slug=slug, kind=kind, name_kk=f"{name_ru} (kk)", name_ru=name_ru
    )[0]


@pytest.fixture
def city(tmp_path) -> dict[str, Layer]:
    """The approved master plan (zoning v1 superseded by v2), a draft master plan, an archived
    one, a ПДП in public discussion with parcels and an area, and the two demo districts."""
    demo_districts_load()
    master = plan_make("genplan-2040", Plan.Kind.MASTER_PLAN, "Генплан", Plan.Status.APPROVED)
    zoning = layer_make(master, "zoning", Layer.Kind.FUNCTIONAL_ZONES, "Зонирование")
    import_frame(
        zoning, zones_frame([("V1", "Старая зона", box_around(TX, TY, 30000))]), tmp_path, "v1.zip"
    )
    ring = shapely.Polygon(
        box_around(PX, PY, 1000).exterior.coords,
        [shapely.box(PX + 500, PY + 500, PX + 900, PY + 900).exterior.coords],
    )
    circle = shapely.Point(TX, TY).buffer(1500, quad_segs=500)  # 2001 vertices
    import_frame(
        zoning,
        zones_frame(
            [
                ("Ж-2", "Жилая зона многоэтажной застройки", ring),
                ("О-1", "Общественно-деловая зона", circle),
            ]
        ),
        tmp_path,
        "v2.zip",
    )

    draft = plan_make("genplan-2050", Plan.Kind.MASTER_PLAN, "Проект генплана 2050")
    draft_zoning = layer_make(draft, "zoning", Layer.Kind.FUNCTIONAL_ZONES, "Зонирование 2050")
    import_frame(
        draft_zoning,
        zones_frame([("Ж-3", "Жилая зона (проект)", box_around(PX, PY, 400))]),
        tmp_path,
        "draft.zip",
    )

    old = plan_make("genplan-2020", Plan.Kind.MASTER_PLAN, "Генплан 2020")
    old_zoning = layer_make(old, "zoning", Layer.Kind.FUNCTIONAL_ZONES, "Зонирование 2020")
    import_frame(
        old_zoning,
        zones_frame([("АРХ", "Архивная зона", box_around(TX, TY, 30000))]),
        tmp_path,
        "old.zip",
    )
    Plan.objects.filter(pk=old.pk).update(status=Plan.Status.ARCHIVED)

    pdp = plan_make("pdp-saulet", Plan.Kind.DETAILED_PLAN, "ПДП Сәулет", "public_discussion")
    parcels = layer_make(pdp, "parcels", Layer.Kind.PARCELS, "Участки")
    import_frame(parcels, parcel_grid(400, centre=PDP_CENTRE), tmp_path, "parcels.zip")
    area = gpd.GeoSeries([box_around(PX, PY, 1000)], crs="EPSG:28412").to_crs(4326).iloc[0]
    Plan.objects.filter(pk=pdp.pk).update(
        area=GEOSGeometry(shapely.MultiPolygon([area]).wkt, srid=4326)
    )
    return {"zoning": zoning, "draft_zoning": draft_zoning, "parcels": parcels}


def ask(client, point: tuple[float, float], language: str = "en"):
    return client.get(URL, wgs84(point), HTTP_ACCEPT_LANGUAGE=language)


def zone_codes(body: dict) -> list[str]:
    return [zone["attributes"]["ZONE_CODE"] for zone in body["zones"]]


def plan_slugs(body: dict) -> list[str]:
    return [plan["slug"] for plan in body["plans"]]


def test_a_parcel_in_a_zone_in_a_district(client, city):
    response = ask(client, IN_PARCEL)

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60"
    assert "Accept-Language" in response["Vary"]  # caches keep one answer per language
    body = response.json()
    assert body["point"] == wgs84(IN_PARCEL)
    # Both master plans zone the point; the approved one's zone comes first and is "zone".
    assert zone_codes(body) == ["Ж-2", "Ж-3"]
    zone = body["zone"]
    assert zone["attributes"] == {
        "ZONE_CODE": "Ж-2",
        "ZONE_RU": "Жилая зона многоэтажной застройки",
    }
    assert list(zone["attributes"]) == ["ZONE_CODE", "ZONE_RU"]  # the file's order
    assert zone["layer"] == "genplan-2040.zoning"
    assert zone["layer_name"] == "Зонирование (kk)"  # no English name: the Kazakh one
    assert zone["version"] == 2
    assert zone["version_url"] == "/en/plans/genplan-2040/zoning/v2/"
    assert zone["plan"] == {
        "slug": "genplan-2040",
        "name": "Генплан (en)",
        "kind": "master_plan",
        "status": "approved",
        "status_label": "Approved",
        "is_draft": False,
        "url": "/en/plans/genplan-2040/",
    }
    assert body["zones"][1]["plan"]["is_draft"] is True
    parcel = body["parcel"]
    assert parcel["attributes"]["KAD_NOMER"] == "06-097-000-000"
    assert parcel["layer"] == "pdp-saulet.parcels"
    assert parcel["version_url"] == "/en/plans/pdp-saulet/parcels/v1/"
    assert parcel["plan"]["slug"] == "pdp-saulet"
    assert plan_slugs(body) == ["genplan-2040", "genplan-2050", "pdp-saulet"]
    assert [plan["is_draft"] for plan in body["plans"]] == [False, True, True]
    assert body["district"] == {"slug": "north", "name": "North district"}


def test_names_and_addresses_follow_accept_language(client, city):
    body = ask(client, IN_PARCEL, language="ru").json()

    assert body["zone"]["layer_name"] == "Зонирование"
    assert body["zone"]["plan"]["name"] == "Генплан"
    assert body["zone"]["plan"]["url"] == "/ru/plans/genplan-2040/"
    assert body["parcel"]["version_url"] == "/ru/plans/pdp-saulet/parcels/v1/"
    assert body["district"]["name"] == "Северный район"
    with translation.override("ru"):
        assert body["zone"]["plan"]["status_label"] == gettext("Approved")


def test_a_point_in_the_hole_of_a_zone_is_not_in_that_zone(client, city):
    body = ask(client, IN_HOLE).json()

    assert body["zone"] is None
    assert body["zones"] == []
    assert body["parcel"] is None
    # The ПДП still covers the hole through its area.
    assert plan_slugs(body) == ["pdp-saulet"]


def test_a_point_in_the_ring_of_a_zone_with_a_hole_is_in_it(client, city):
    body = ask(client, IN_RING).json()

    assert zone_codes(body) == ["Ж-2"]
    assert body["parcel"] is None
    assert plan_slugs(body) == ["genplan-2040", "pdp-saulet"]


def test_a_big_zone_is_found_through_its_parts(client, city):
    circle = Feature.objects.get(version__layer=city["zoning"], attributes__ZONE_CODE="О-1")
    assert FeaturePart.objects.filter(feature=circle).count() > 4  # it was subdivided

    inside = ask(client, IN_CIRCLE).json()
    past = ask(client, PAST_CIRCLE).json()

    assert zone_codes(inside) == ["О-1"]
    assert inside["district"]["slug"] in {"north", "south"}
    assert past["zones"] == []
    assert past["plans"] == []


def test_a_point_outside_every_plan(client, city):
    """Only the superseded zoning and the archived plan reach this far: neither counts."""
    body = ask(client, OUTSIDE).json()

    assert body == {
        "point": wgs84(OUTSIDE),
        "zone": None,
        "zones": [],
        "parcel": None,
        "plans": [],
        "district": None,
    }


def test_superseded_versions_and_archived_plans_are_ignored(client, city):
    codes = {
        code
        for point in (IN_PARCEL, IN_RING, IN_HOLE)
        for code in zone_codes(ask(client, point).json())
    }
    slugs = {
        slug for point in (IN_PARCEL, OUTSIDE) for slug in plan_slugs(ask(client, point).json())
    }

    assert "V1" not in codes  # version 1 of the zoning covered every point
    assert "АРХ" not in codes
    assert "genplan-2020" not in slugs
    # ...yet both are there, parts included: only the look-up leaves them out.
    assert FeaturePart.objects.filter(feature__attributes__ZONE_CODE="V1").exists()
    assert FeaturePart.objects.filter(feature__attributes__ZONE_CODE="АРХ").exists()


def test_a_plan_archived_later_disappears_and_a_draft_is_marked(client, city):
    Plan.objects.filter(slug="genplan-2040").update(status=Plan.Status.ARCHIVED)

    body = ask(client, IN_PARCEL).json()

    assert zone_codes(body) == ["Ж-3"]  # the draft's zone is the only one left
    assert body["zone"]["plan"]["slug"] == "genplan-2050"
    assert body["zone"]["plan"]["is_draft"] is True
    assert body["zone"]["plan"]["status"] == "draft"
    assert plan_slugs(body) == ["genplan-2050", "pdp-saulet"]


def test_parts_are_made_for_zone_layers_only_and_for_each_new_version(client, city, tmp_path):
    zoning = city["zoning"]
    part_layers = set(FeaturePart.objects.values_list("version__layer__kind", flat=True))
    assert part_layers == {Layer.Kind.FUNCTIONAL_ZONES}
    assert not FeaturePart.objects.filter(version__layer=city["parcels"]).exists()
    for part in FeaturePart.objects.select_related("feature"):
        assert part.feature.version_id == part.version_id

    import_frame(
        zoning,
        zones_frame([("Ж-1", "Жилая зона индивидуальной застройки", box_around(PX, PY, 2000))]),
        tmp_path,
        "v3.zip",
    )
    v3 = LayerVersion.objects.get(layer=zoning, is_current=True)

    assert v3.number == 3
    assert set(FeaturePart.objects.filter(version=v3).values_list("feature__fid", flat=True)) == {0}
    assert zone_codes(ask(client, IN_PARCEL).json()) == ["Ж-1", "Ж-3"]
    assert zone_codes(ask(client, IN_CIRCLE).json()) == []  # v2's circle is superseded


def test_the_rebuild_command_refills_the_parts_of_current_zone_versions(client, city):
    current = LayerVersion.objects.get(layer=city["zoning"], is_current=True)
    before = FeaturePart.objects.filter(version=current).count()
    FeaturePart.objects.all().delete()  # a database imported before the look-up existed
    assert ask(client, IN_RING).json()["zones"] == []

    for _run in range(2):
        output = io.StringIO()
        call_command("feature_parts_rebuild", stdout=output)

    assert FeaturePart.objects.filter(version=current).count() == before  # no duplicates
    assert f"genplan-2040/zoning v2: {before} parts" in output.getvalue()
    assert not FeaturePart.objects.filter(version__is_current=False).exists()
    assert not FeaturePart.objects.filter(version__layer=city["parcels"]).exists()
    assert zone_codes(ask(client, IN_RING).json()) == ["Ж-2"]


def test_a_zone_left_invalid_is_kept_whole_rather_than_failing_the_import(city):
    """ST_Subdivide refuses an invalid polygon; the import must not fail on one."""
    version = LayerVersion.objects.select_related("layer").get(
        layer=city["zoning"], is_current=True
    )
    zigzag = [(71.0 + i / 10000, 42.9 if i % 2 else 43.0) for i in range(1001)]
    crossing = shapely.Polygon([*zigzag, (71.1, 42.85), (71.05, 43.05)])
    assert not crossing.is_valid and len(crossing.exterior.coords) > 255
    zone = Feature.objects.get(version=version, attributes__ZONE_CODE="О-1")
    Feature.objects.filter(pk=zone.pk).update(
        geometry=GEOSGeometry(shapely.MultiPolygon([crossing]).wkt, srid=4326)
    )

    feature_parts_fill(version)

    assert FeaturePart.objects.filter(feature=zone).count() == 1
    assert FeaturePart.objects.filter(version=version).exclude(feature=zone).exists()


def test_one_statement_per_look_up(client, city, django_assert_max_num_queries):
    # The test runs in a transaction: savepoint, the look-up with its timeout, and the
    # rollback to the savepoint and its release. On its own a request sends one statement.
    with django_assert_max_num_queries(4):
        response = ask(client, IN_PARCEL)
    assert response.status_code == 200


def test_the_timeout_does_not_outlive_the_look_up_in_a_callers_transaction():
    def timeout() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            return cursor.fetchone()[0]

    before = timeout()
    with transaction.atomic():
        lookups.whats_here(**wgs84(IN_PARCEL))
        assert timeout() == before
    assert timeout() == before


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "Give the point as lat and lon in degrees (WGS 84), e.g. ?lat=42.9&lon=71.37."),
        (
            {"lat": "42.9"},
            "Give the point as lat and lon in degrees (WGS 84), e.g. ?lat=42.9&lon=71.37.",
        ),
        ({"lat": "сорок", "lon": "71.37"}, "“lat” must be a number of degrees, e.g. 42.9."),
        ({"lat": "42.9", "lon": "nan"}, "“lon” must be a number of degrees, e.g. 42.9."),
        ({"lat": "inf", "lon": "71.37"}, "“lat” must be a number of degrees, e.g. 42.9."),
        ({"lat": "90.5", "lon": "71.37"}, "“lat” must be between -90 and 90 degrees."),
        ({"lat": "42.9", "lon": "-180.01"}, "“lon” must be between -180 and 180 degrees."),
    ],
)
def test_bad_parameters_are_refused_with_a_message(client, query, message):
    response = client.get(URL, query, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert "public" not in response.get("Cache-Control", "")


def test_the_refusal_speaks_russian(client):
    response = client.get(URL, {"lat": "42.9", "lon": "200"}, HTTP_ACCEPT_LANGUAGE="ru")

    with translation.override("ru"):
        expected = gettext("“%(name)s” must be between -%(limit)s and %(limit)s degrees.") % {
            "name": "lon",
            "limit": 180,
        }
    assert response.status_code == 400
    assert response["Content-Language"] == "ru"
    assert response.json() == {"error": expected}


def test_only_get_is_answered(client):
    response = client.post(URL, {"lat": "42.9", "lon": "71.37"})

    assert response.status_code == 405


def test_a_look_up_past_its_timeout_answers_503(client, monkeypatch):
    # The real statement timeout of PostgreSQL cancels a statement that sleeps past it.
    monkeypatch.setattr(lookups, "LOOKUP_TIMEOUT_MS", 50)
    monkeypatch.setattr(lookups, "WHATS_HERE_SQL", "SELECT pg_sleep(%(lat)s / 10.0)::text")

    response = client.get(URL, {"lat": "10", "lon": "71.37"}, HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    with translation.override("ru"):
        expected = gettext("Looking up this point took too long. Try again in a moment.")
    assert response.json() == {"error": expected}
