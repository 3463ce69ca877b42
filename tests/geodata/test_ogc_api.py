"""OGC API – Features at /ogc/, on layers imported by the real core, read by GDAL and OWSLib."""

import datetime
import json
import os
import re
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.gis.geos import Polygon
from django.utils import timezone
from owslib.ogcapi.features import Features

from geodata.importing.core import ImportOptions
from geodata.models import Feature, Layer, LayerVersion, Plan
from geodata.ogc import features as ogc_features
from geodata.ogc.crs import crs84_bbox
from geodata.samples import TARAZ_GK12, parcel_grid, shapefile_zip
from geodata.services import layer_file_import, layer_get_or_create, plan_get_or_create
from tests.factories import StaffUserFactory

PARCELS = "pdp-ogc.parcels"
ZONES = "genplan-ogc.zones"
ARCHIVED = "pdp-old.parcels"
UPLOADER = "aigerim.uploader"
CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
FILE_FIELDS = ["KAD_NOMER", "ZONA", "NAZVANIE", "PLOSHAD"]
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def client():
    """A client that reads the API in English: the assertions quote the English texts."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


def _import(layer: Layer, frame, path, user=None) -> None:
    layer_file_import(
        upload=shapefile_zip(frame, path),
        original_name=path.name,
        target=layer,
        options=ImportOptions(),
        user=user,
        commit=True,
        publish=True,
    )


@pytest.fixture
def published(tmp_path) -> dict[str, Layer]:
    """Two published layers (one in two versions) and a layer of an archived plan.

    pdp-ogc.parcels: a draft ПДП, 150 parcels; version 2 (current) zones them all Р-1.
    genplan-ogc.zones: an approved master plan, 40 parcels 2 km east.
    pdp-old.parcels: archived, never listed.
    """
    uploader = StaffUserFactory(username=UPLOADER)
    pdp, _ = plan_get_or_create(slug="pdp-ogc", name_kk="Әулиеата ЕЖЖ", name_ru="ПДП Аулие-Ата")
    parcels, _ = layer_get_or_create(
        plan=pdp, slug="parcels", kind=Layer.Kind.PARCELS, name_kk="Учаскелер", name_ru="Участки"
    )
    _import(parcels, parcel_grid(150), tmp_path / "parcels-v1.zip", uploader)
    revised = parcel_grid(150)
    revised["ZONA"] = "Р-1"
    _import(parcels, revised, tmp_path / "parcels-v2.zip", uploader)

    master, _ = plan_get_or_create(
        slug="genplan-ogc",
        kind=Plan.Kind.MASTER_PLAN,
        name_kk="Бас жоспар",
        name_ru="Генеральный план",
    )
    Plan.objects.filter(pk=master.pk).update(
        status=Plan.Status.APPROVED,
        approval_number="VII-505",
        approval_date=datetime.date(2024, 3, 15),
    )
    zones, _ = layer_get_or_create(
        plan=master, slug="zones", kind=Layer.Kind.FUNCTIONAL_ZONES, name_kk="Аймақтар"
    )
    east = (TARAZ_GK12[0] + 2000.0, TARAZ_GK12[1])
    _import(zones, parcel_grid(40, centre=east), tmp_path / "zones.zip", uploader)

    old, _ = plan_get_or_create(slug="pdp-old", name_kk="Ескі ЕЖЖ")
    retired, _ = layer_get_or_create(plan=old, slug="parcels", kind=Layer.Kind.PARCELS)
    _import(retired, parcel_grid(10), tmp_path / "old.zip", uploader)
    Plan.objects.filter(pk=old.pk).update(status=Plan.Status.ARCHIVED)
    return {PARCELS: parcels, ZONES: zones, ARCHIVED: retired}


def _current(layer: Layer) -> LayerVersion:
    return LayerVersion.objects.get(layer=layer, is_current=True)


def _extent(client, collection_id: str) -> list[float]:
    return client.get(f"/ogc/collections/{collection_id}").json()["extent"]["spatial"]["bbox"][0]


def _south_west_box(extent: list[float]) -> list[float]:
    """A box over the south-west part of an extent, its edges between parcels and across."""
    west, south, east, north = extent
    return [
        west - 0.001,
        south - 0.001,
        west + (east - west) * 0.43,
        south + (north - south) * 0.61,
    ]


def _postgis_count(layer: Layer, bbox: list[float]) -> int:
    box = Polygon.from_bbox(bbox)
    box.srid = 4326
    return Feature.objects.filter(version=_current(layer), geometry__intersects=box).count()


def _links(document: dict, rel: str) -> list[dict]:
    return [link for link in document["links"] if link["rel"] == rel]


def _query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


# Landing page, conformance, API definition


@pytest.mark.django_db
def test_landing_page_links_everything_a_client_needs(client):
    response = client.get("/ogc/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=60"
    landing = response.json()
    assert landing["title"] and landing["description"]
    by_rel = {link["rel"]: link for link in landing["links"]}
    assert set(by_rel) == {
        "self",
        "alternate",
        "service-desc",
        "service-doc",
        "conformance",
        "data",
    }
    assert all(link["type"] and link["href"].startswith("http://") for link in by_rel.values())
    assert by_rel["self"]["type"] == "application/json"
    assert by_rel["alternate"]["type"] == "text/html"
    assert by_rel["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert urlsplit(by_rel["service-desc"]["href"]).path == "/ogc/api"
    assert by_rel["service-doc"]["type"] == "text/html"
    assert urlsplit(by_rel["data"]["href"]).path == "/ogc/collections"
    assert urlsplit(by_rel["conformance"]["href"]).path == "/ogc/conformance"


@pytest.mark.django_db
def test_conformance_declares_core_geojson_html_and_openapi(client):
    document = client.get("/ogc/conformance").json()

    assert sorted(document["conformsTo"]) == [
        CORE,
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    ]


@pytest.mark.django_db
def test_api_definition_is_openapi_3_listing_the_collections(client, published):
    response = client.get("/ogc/api")

    assert response["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.0")
    assert "/collections/{collectionId}/items" in document["paths"]
    parameters = document["components"]["parameters"]
    assert parameters["limit"]["schema"]["maximum"] == 10000
    assert parameters["limit"]["schema"]["default"] == 100
    assert sorted(parameters["collectionId"]["schema"]["enum"]) == [ZONES, PARCELS]


# Collections


@pytest.mark.django_db
def test_collections_list_the_current_version_of_published_layers_only(client, published):
    document = client.get("/ogc/collections").json()

    collections = {collection["id"]: collection for collection in document["collections"]}
    assert set(collections) == {PARCELS, ZONES}  # not the archived plan's layer
    parcels = collections[PARCELS]
    assert parcels["title"] == "Учаскелер — Әулиеата ЕЖЖ"  # Kazakh: the default language
    assert parcels["description"].endswith("(draft)")
    assert "version 2" in parcels["description"]
    assert "(draft)" not in collections[ZONES]["description"]
    assert parcels["itemType"] == "feature"
    assert parcels["crs"] == [CRS84]
    srid = settings.RGIS_STORAGE_SRID
    storage = CRS84 if srid == 4326 else f"http://www.opengis.net/def/crs/EPSG/0/{srid}"
    assert parcels["storageCrs"] == storage  # EPSG:4326 is stored longitude first, as CRS84
    items = {link["type"]: link for link in _links(parcels, "items")}
    assert set(items) == {"application/geo+json", "text/html"}
    assert urlsplit(items["application/geo+json"]["href"]).path == (
        f"/ogc/collections/{PARCELS}/items"
    )
    assert {link["rel"] for link in document["links"]} == {"self", "alternate"}


@pytest.mark.django_db
def test_collection_extent_is_the_versions_extent_in_crs84(client, published):
    collection = client.get(f"/ogc/collections/{PARCELS}").json()

    extent = _current(published[PARCELS]).extent
    assert collection["extent"]["spatial"]["crs"] == CRS84
    bbox = collection["extent"]["spatial"]["bbox"][0]
    assert bbox == pytest.approx(list(extent.transform(4326, clone=True).extent), abs=1e-6)
    west, south, east, north = bbox
    assert 71.0 < west < east < 71.8 and 42.6 < south < north < 43.2  # Taraz


@pytest.mark.django_db
def test_titles_follow_the_language_the_client_asks_for(client, published):
    collection = client.get(f"/ogc/collections/{PARCELS}", HTTP_ACCEPT_LANGUAGE="ru").json()

    assert collection["title"] == "Участки — ПДП Аулие-Ата"


@pytest.mark.django_db
def test_unknown_and_archived_collections_are_404_json(client, published):
    for path in (
        "/ogc/collections/no-such.layer",
        "/ogc/collections/nothing",
        f"/ogc/collections/{ARCHIVED}",
        f"/ogc/collections/{ARCHIVED}/items",
        "/ogc/collections/no-such.layer/items/1",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"
        error = response.json()
        assert error["code"] == "NotFound"
        assert "no published layer" in error["description"]


# Items


@pytest.mark.django_db
def test_items_are_geojson_in_crs84_with_every_attribute_in_file_order(client, published):
    response = client.get(f"/ogc/collections/{PARCELS}/items", {"limit": 3})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    page = json.loads(response.content)
    assert page["type"] == "FeatureCollection"
    assert page["numberMatched"] == 150  # the current version only, not 300
    assert page["numberReturned"] == 3
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", page["timeStamp"])
    first = page["features"][0]
    assert first["id"] == 0
    assert list(first["properties"]) == FILE_FIELDS
    assert first["properties"]["KAD_NOMER"] == "06-097-000-000"
    assert first["properties"]["ZONA"] == "Р-1"  # version 2
    assert first["properties"]["NAZVANIE"] == "Жилая зона индивидуальной застройки"
    assert first["geometry"]["type"] == "MultiPolygon"
    lon, lat = first["geometry"]["coordinates"][0][0][0]
    assert 71.0 < lon < 71.8 and 42.6 < lat < 43.2
    assert all(len(repr(c).split(".")[1]) <= 7 for c in (lon, lat))
    assert UPLOADER not in response.content.decode()


@pytest.mark.django_db
def test_paging_through_next_links_returns_every_feature_once(client, published):
    url = f"/ogc/collections/{PARCELS}/items?limit=40"
    seen: list[int] = []
    pages = 0
    while url:
        page = json.loads(client.get(url).content)
        pages += 1
        seen += [feature["id"] for feature in page["features"]]
        assert page["numberReturned"] == len(page["features"])
        following = [link for link in _links(page, "next") if link["type"].endswith("geo+json")]
        url = following[0]["href"] if following else ""
        if url:
            assert _query(url)["limit"] == ["40"]
    assert pages == 4
    assert seen == list(range(150))
    assert len(seen) == page["numberMatched"]
    assert Feature.objects.filter(version=_current(published[PARCELS])).count() == 150


@pytest.mark.django_db
def test_prev_links_lead_back_and_offset_past_the_end_is_empty(client, published):
    page = json.loads(client.get(f"/ogc/collections/{PARCELS}/items?limit=40&offset=80").content)
    prev = [link for link in _links(page, "prev") if link["type"] == "application/geo+json"]
    assert _query(prev[0]["href"])["offset"] == ["40"]
    assert [f["id"] for f in page["features"]] == list(range(80, 120))

    for offset in (150, 500, 10**30):
        beyond = json.loads(client.get(f"/ogc/collections/{PARCELS}/items?offset={offset}").content)
        assert beyond["features"] == [] and beyond["numberReturned"] == 0
        assert beyond["numberMatched"] == 150
        assert _links(beyond, "next") == []
        back = [link for link in _links(beyond, "prev") if link["type"] == "application/geo+json"]
        assert _query(back[0]["href"])["offset"] == ["50"]  # the last 100 features


@pytest.mark.django_db
def test_bbox_selects_what_postgis_says_intersects_and_paging_keeps_it(client, published):
    bbox = _south_west_box(_extent(client, PARCELS))
    expected = _postgis_count(published[PARCELS], bbox)
    assert 10 < expected < 100  # the box really cuts the grid

    bbox_text = ",".join(map(str, bbox))
    url = f"/ogc/collections/{PARCELS}/items?bbox={bbox_text}&limit=7"
    seen: list[int] = []
    while url:
        page = json.loads(client.get(url).content)
        assert page["numberMatched"] == expected
        seen += [feature["id"] for feature in page["features"]]
        following = [link for link in _links(page, "next") if link["type"].endswith("geo+json")]
        url = following[0]["href"] if following else ""
        if url:
            assert _query(url)["bbox"] == [bbox_text]
    assert len(seen) == len(set(seen)) == expected
    box = Polygon.from_bbox(bbox)
    box.srid = 4326
    inside = Feature.objects.filter(version=_current(published[PARCELS]), geometry__intersects=box)
    assert sorted(seen) == sorted(inside.values_list("fid", flat=True))


@pytest.mark.django_db
def test_bbox_far_away_matches_nothing_and_the_whole_world_everything(client, published):
    items = f"/ogc/collections/{PARCELS}/items"
    nowhere = json.loads(client.get(f"{items}?bbox=10,10,11,11").content)
    world = json.loads(client.get(f"{items}?bbox=-180,-90,180,90&limit=1").content)

    assert nowhere["numberMatched"] == 0 and nowhere["features"] == []
    assert world["numberMatched"] == 150 and world["features"][0]["id"] == 0


@pytest.mark.django_db
def test_keys_the_import_report_does_not_list_and_missing_geometries_are_kept(client, published):
    version = _current(published[PARCELS])
    Feature.objects.filter(version=version, fid=1).update(
        attributes={"KAD_NOMER": "x", "EXTRA": [1, "два"]}, geometry=None
    )

    page = json.loads(client.get(f"/ogc/collections/{PARCELS}/items?limit=2").content)

    second = page["features"][1]
    assert second["geometry"] is None
    assert list(second["properties"]) == [*FILE_FIELDS, "EXTRA"]
    assert second["properties"]["ZONA"] is None
    assert second["properties"]["EXTRA"] == [1, "два"]


@pytest.mark.django_db
def test_a_layer_imported_without_attributes_still_serves_its_features(client, tmp_path):
    plan, _ = plan_get_or_create(slug="pdp-bare")
    layer, _ = layer_get_or_create(plan=plan, slug="wells")
    points = tmp_path / "wells.geojson"
    points.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {"type": "Point", "coordinates": [71.37 + i / 100, 42.9]},
                    }
                    for i in range(3)
                ],
            }
        )
    )
    layer_file_import(
        upload=points,
        original_name=points.name,
        target=layer,
        options=ImportOptions(),
        user=None,
        commit=True,
        publish=True,
    )

    page = json.loads(client.get("/ogc/collections/pdp-bare.wells/items").content)

    assert page["numberMatched"] == 3
    assert [feature["id"] for feature in page["features"]] == [0, 1, 2]
    assert [feature["properties"] for feature in page["features"]] == [{}, {}, {}]
    assert page["features"][2]["geometry"] == {"type": "Point", "coordinates": [71.39, 42.9]}


@pytest.mark.django_db
def test_one_item_and_its_404s(client, published):
    response = client.get(f"/ogc/collections/{PARCELS}/items/42")

    assert response["Content-Type"] == "application/geo+json"
    feature = json.loads(response.content)
    assert feature["type"] == "Feature" and feature["id"] == 42
    assert feature["properties"]["KAD_NOMER"] == "06-097-000-042"
    assert {link["rel"] for link in feature["links"]} == {"self", "alternate", "collection"}
    for missing in ("150", "abc", "-1", "99999999999", "²"):
        response = client.get(f"/ogc/collections/{PARCELS}/items/{missing}")
        assert response.status_code == 404, missing
        assert response.json()["code"] == "NotFound"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "bbox=71,42,72",
        "bbox=a,b,c,d",
        "bbox=72,42,71,43",  # west east of east
        "bbox=71,43,72,42",  # south north of north
        "bbox=71,42,nan,43",
        "limit=0",
        "limit=abc",
        "limit=-1",
        "offset=-5",
        "offset=1.5",
        "f=xml",
        "crs=http://www.opengis.net/def/crs/EPSG/0/3857",
        "datetime=2024-01-01T00:00:00Z",
    ],
)
def test_bad_parameters_are_400_with_a_message(client, published, query):
    response = client.get(f"/ogc/collections/{PARCELS}/items?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = response.json()
    assert error["code"] == "InvalidParameterValue"
    assert len(error["description"]) > 20


@pytest.mark.django_db
def test_a_limit_over_the_maximum_is_served_as_the_maximum(client, published):
    page = json.loads(client.get(f"/ogc/collections/{PARCELS}/items?limit=20000").content)

    assert page["numberReturned"] == 150
    assert _query(_links(page, "self")[0]["href"])["limit"] == ["10000"]


@pytest.mark.django_db
def test_a_six_number_bbox_is_read_as_a_3d_box(client, published):
    west, south, east, north = _south_west_box(_extent(client, PARCELS))
    url = f"/ogc/collections/{PARCELS}/items?bbox={west},{south},-100,{east},{north},100"

    page = json.loads(client.get(url).content)

    assert page["numberMatched"] == _postgis_count(published[PARCELS], [west, south, east, north])


@pytest.mark.django_db
def test_only_get_is_answered(client, published):
    response = client.post(f"/ogc/collections/{PARCELS}/items")

    assert response.status_code == 405
    assert response.json()["code"] == "MethodNotAllowed"


@pytest.mark.django_db
def test_a_query_that_takes_too_long_is_cut_off_with_503(client, published, monkeypatch):
    monkeypatch.setattr(ogc_features, "STATEMENT_TIMEOUT_MS", 10)
    slow = ogc_features.ITEMS_SQL.replace("FROM ({rows}) rows", "FROM ({rows}) rows, pg_sleep(0.5)")
    monkeypatch.setattr(ogc_features, "ITEMS_SQL", slow)

    response = client.get(f"/ogc/collections/{PARCELS}/items")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    error = response.json()
    assert error["code"] == "ServiceUnavailable"
    assert "took too long" in error["description"]
    # The timeout ended with the statement: the next request is served normally.
    monkeypatch.undo()
    assert client.get(f"/ogc/collections/{PARCELS}/items").status_code == 200


@pytest.mark.django_db
def test_list_endpoints_take_a_fixed_number_of_queries(
    client, published, django_assert_max_num_queries
):
    extent = _current(published[PARCELS]).extent
    for number in range(4):  # more published layers, as a lighter copy of the first one
        plan, _ = plan_get_or_create(slug=f"pdp-extra-{number}")
        layer, _ = layer_get_or_create(plan=plan, slug="parcels")
        LayerVersion.objects.create(
            layer=layer,
            number=1,
            is_current=True,
            published_at=timezone.now(),
            source_filename="parcels.zip",
            source_format="shapefile",
            source_crs="EPSG:28412",
            extent=extent,
        )
    with django_assert_max_num_queries(2):
        listed = client.get("/ogc/collections").json()["collections"]
    assert len(listed) == 6
    bbox = ",".join(map(str, _south_west_box(_extent(client, PARCELS))))
    # The layer and its current version (2), the timeout, the page; the test's savepoint (2).
    with django_assert_max_num_queries(6):
        assert client.get(f"/ogc/collections/{PARCELS}/items?bbox={bbox}").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(f"/ogc/collections/{PARCELS}/items/3").status_code == 200


# Content negotiation and the HTML pages


@pytest.mark.django_db
def test_json_unless_html_is_preferred_and_f_decides_first(client, published):
    path = f"/ogc/collections/{PARCELS}"
    assert client.get(path, HTTP_ACCEPT="*/*")["Content-Type"] == "application/json"
    assert client.get(path, HTTP_ACCEPT="application/json")["Content-Type"] == "application/json"
    browser = client.get(path, HTTP_ACCEPT=BROWSER_ACCEPT)
    assert browser["Content-Type"].startswith("text/html")
    assert "Access-Control-Allow-Origin" not in browser
    assert "Accept" in browser["Vary"]
    forced = client.get(path + "?f=json", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert forced["Content-Type"] == "application/json"
    assert client.get(path + "?f=html")["Content-Type"].startswith("text/html")
    items = client.get(path + "/items?f=json", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert items["Content-Type"] == "application/geo+json"


@pytest.mark.django_db
def test_html_links_point_to_html_and_json_alternates(client, published):
    document = client.get(f"/ogc/collections/{PARCELS}").json()
    self_link, alternate = _links(document, "self")[0], _links(document, "alternate")[0]
    assert _query(self_link["href"])["f"] == ["json"]
    assert _query(alternate["href"])["f"] == ["html"]


def _text(response) -> str:
    body = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


@pytest.mark.django_db
def test_html_pages_render(client, published):
    pages = {
        "/ogc/": "OGC API",
        "/ogc/conformance": CORE,
        "/ogc/api": "/collections/{collectionId}/items",
        "/ogc/collections": "Учаскелер — Әулиеата ЕЖЖ",
        f"/ogc/collections/{PARCELS}": PARCELS,
        f"/ogc/collections/{PARCELS}/items?limit=5&offset=5": "06-097-000-009",
        f"/ogc/collections/{PARCELS}/items/7": "06-097-000-007",
    }
    for path, expected in pages.items():
        response = client.get(path, HTTP_ACCEPT=BROWSER_ACCEPT)
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("text/html"), path
        text = _text(response)
        assert expected in text, path
        assert UPLOADER not in text
    table = _text(client.get(f"/ogc/collections/{PARCELS}/items?f=html&limit=5&offset=5"))
    assert "Features 6 to 10 of 150." in table
    assert "Previous page" in table and "Next page" in table
    assert "06-097-000-004" not in table and "06-097-000-010" not in table
    listing = _text(client.get("/ogc/collections?f=html"))
    assert "Ескі ЕЖЖ" not in listing


# Real clients against a live server


def _run(*command: str) -> str:
    environment = {**os.environ, "GDAL_HTTP_TIMEOUT": "30", "CPL_DEBUG": "OFF"}
    environment["NO_PROXY"] = environment["no_proxy"] = "*"  # the live server is local
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=120, env=environment, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "ERROR" not in result.stderr, result.stderr
    return result.stdout


@pytest.mark.django_db(transaction=True)
def test_gdal_lists_counts_filters_and_copies_the_layers(live_server, published, tmp_path):
    source = f"OAPIF:{live_server.url}/ogc/"

    listing = _run("ogrinfo", "-ro", "-so", source)
    layer_names = re.findall(r"^\d+: (\S+)", listing, flags=re.M)
    assert sorted(layer_names) == [ZONES, PARCELS]  # the archived plan's layer is not there

    summary = _run("ogrinfo", "-ro", "-so", source, PARCELS)
    assert "Feature Count: 150" in summary
    assert "Geometry: Multi Polygon" in summary
    for field in FILE_FIELDS:
        assert re.search(rf"^{field}: ", summary, flags=re.M), field
    assert summary.index("KAD_NOMER:") < summary.index("ZONA:") < summary.index("PLOSHAD:")

    bbox = _south_west_box(crs84_bbox(_current(published[PARCELS]).extent))
    expected = _postgis_count(published[PARCELS], bbox)
    spat = ["-spat", *map(str, bbox)]
    features = _run("ogrinfo", "-ro", source, PARCELS, *spat)
    assert len(re.findall(r"^OGRFeature\(", features, flags=re.M)) == expected
    assert features.count("ZONA (String) = Р-1") == expected
    counted = _run("ogrinfo", "-ro", "-so", source, PARCELS, *spat)
    assert f"Feature Count: {expected}" in counted

    copy = tmp_path / "parcels.geojson"
    _run("ogr2ogr", "-f", "GeoJSON", str(copy), source, PARCELS)  # follows 15 next links
    copied = json.loads(copy.read_text(encoding="utf-8"))
    assert len(copied["features"]) == 150
    assert sorted(f["properties"]["KAD_NOMER"] for f in copied["features"]) == [
        f"06-097-000-{i:03d}" for i in range(150)
    ]
    assert {f["properties"]["ZONA"] for f in copied["features"]} == {"Р-1"}


@pytest.mark.django_db(transaction=True)
def test_owslib_reads_collections_items_and_pages_by_offset(live_server, published):
    api = Features(live_server.url + "/ogc/")

    assert CORE in api.conformance()["conformsTo"]
    assert api.api()["openapi"].startswith("3.0")
    assert sorted(c["id"] for c in api.collections()["collections"]) == [ZONES, PARCELS]
    assert sorted(api.feature_collections()) == [ZONES, PARCELS]
    assert api.collection(ZONES)["itemType"] == "feature"

    extent = api.collection(PARCELS)["extent"]["spatial"]["bbox"][0]
    bbox = _south_west_box(extent)
    expected = _postgis_count(published[PARCELS], bbox)
    first = api.collection_items(PARCELS, bbox=bbox, limit=10)
    assert first["numberMatched"] == expected
    assert first["numberReturned"] == len(first["features"]) == 10

    seen: list[int] = []
    offset = 0
    while True:
        page = api.collection_items(PARCELS, bbox=bbox, limit=10, offset=offset)
        if not page["features"]:
            break
        seen += [feature["id"] for feature in page["features"]]
        offset += 10
    assert len(seen) == len(set(seen)) == expected

    everything = api.collection_items(ZONES, limit=1000)
    assert everything["numberMatched"] == everything["numberReturned"] == 40
    feature = api.collection_item(PARCELS, "5")
    assert feature["properties"]["KAD_NOMER"] == "06-097-000-005"
