"""The two map layers: free parcels, parcels being allocated now (tiles, GeoJSON, home map)."""

import datetime
import json
import math
import re

import mapbox_vector_tile
import pytest
from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.utils import timezone

from parcels.maps import allocation_map_render
from parcels.models import Parcel
from parcels.selectors import parcels_being_allocated
from parcels.services import parcel_status_set
from tests.parcels.factories import registry_import, rows_of, settlement_make, version_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(tmp_path):
    """Twelve parcels: 00 reserved, 01 allocated today, 02 allocated long ago, the rest free."""
    registry_import(version_make(tmp_path, rows_of(12)))
    parcels = {p.cadastral_number[-2:]: p for p in Parcel.objects.all()}
    parcel_status_set(parcel=parcels["00"], status=Parcel.Status.RESERVED, reason="test")
    parcel_status_set(parcel=parcels["01"], status=Parcel.Status.ALLOCATED, reason="test")
    parcel_status_set(parcel=parcels["02"], status=Parcel.Status.ALLOCATED, reason="test")
    Parcel.objects.filter(pk=parcels["02"].pk).update(
        status_changed_at=timezone.now() - datetime.timedelta(days=200)
    )
    return parcels


def centre(parcel: Parcel) -> tuple[float, float]:
    point = parcel.geometry.transform(4326, clone=True).point_on_surface
    return point.x, point.y


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def test_the_being_allocated_selector_lists_reserved_and_recent_allocations(registry):
    numbers = [p.cadastral_number for p in parcels_being_allocated()]
    assert numbers == ["06-097-001-000", "06-097-001-001"]  # reserved first
    assert list(parcels_being_allocated(settlement_make("shu"))) == []
    assert list(parcels_being_allocated(purpose_code="lph")) == []


def test_geojson_layers_filtered_by_status_and_bbox(
    client, registry, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):
        allocating = client.get("/api/parcels/allocating", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [f["id"] for f in allocating["features"]] == ["06-097-001-000", "06-097-001-001"]
    first = allocating["features"][0]["properties"]
    assert first["status_label"] == "reserved for allocation"
    assert first["url"] == "/en/parcels/06-097-001-000/"
    assert "full_name" not in json.dumps(allocating)

    free = client.get("/api/parcels/free").json()
    assert len(free["features"]) == 9 and not free["truncated"]
    lon, lat = centre(registry["05"])
    bbox = f"{lon - 0.00005},{lat - 0.00005},{lon + 0.00005},{lat + 0.00005}"
    near = client.get("/api/parcels/free", {"bbox": bbox}).json()
    assert [f["id"] for f in near["features"]] == ["06-097-001-005"]
    limited = client.get("/api/parcels/free", {"limit": "3"}).json()
    assert (limited["numberReturned"], limited["truncated"]) == (3, True)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"bbox": "71,42"}, "bbox is west,south,east,north in degrees"),
        ({"bbox": "72,42,71,43"}, "bbox is west,south,east,north in degrees"),
        ({"limit": "100000"}, "limit is a whole number from 1 to 2000."),
    ],
)
def test_geojson_layers_refuse_bad_parameters(client, query, message):
    response = client.get("/api/parcels/free", query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_an_unknown_layer_is_not_found(client):
    assert client.get("/api/parcels/occupied").status_code == 404
    assert client.get("/tiles/parcels/occupied/16/1/1.mvt").status_code == 404


def test_vector_tiles_carry_each_layers_parcels_in_the_visitors_language(client, registry):
    lon, lat = centre(registry["01"])
    x, y = tile_of(lon, lat, 16)

    response = client.get(f"/tiles/parcels/allocating/16/{x}/{y}.mvt", {"lang": "en", "v": "r1"})

    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert "max-age=" in response["Cache-Control"]
    features = mapbox_vector_tile.decode(response.content)["parcels-allocating"]["features"]
    by_number = {f["properties"]["Cadastral number"]: f["properties"] for f in features}
    assert set(by_number) == {"06-097-001-000", "06-097-001-001"}
    assert by_number["06-097-001-001"]["Status"] == "allocated"
    assert by_number["06-097-001-001"]["Address"] == "г. Тараз, ул. Толе би, 2"

    free = client.get(f"/tiles/parcels/free/16/{x}/{y}.mvt", {"lang": "en"})
    numbers = {
        f["properties"]["Cadastral number"]
        for f in mapbox_vector_tile.decode(free.content)["parcels-free"]["features"]
    }
    assert "06-097-001-005" in numbers and "06-097-001-000" not in numbers
    # City-wide zooms below the layer's smallest get an empty tile, not an error.
    assert client.get("/tiles/parcels/free/5/20/11.mvt").content == b""


def test_the_home_map_offers_both_layers_with_their_legends(client, registry):
    page = client.get("/en/").content.decode()
    for key, group, title in (
        ("parcels-free", "parcels", "Free parcels"),
        ("parcels-allocating", "queues", "Plots being allocated now"),
    ):
        assert re.search(rf'key: "{key}", group: "{group}",\s*title: {json.dumps(title)}', page)
    assert json.dumps("allocated in the last 90 days") in page
    assert json.dumps("free parcel") in page
    assert "/tiles/parcels/allocating/{z}/{x}/{y}.mvt?v=" in page


def _being_allocated_with_boundaries(settlement):
    return list(
        parcels_being_allocated(settlement).annotate(
            geojson=AsGeoJSON(Transform("geometry", 4326), precision=6)
        )
    )


def test_the_allocation_map_snippet_draws_the_parcels_handed_out(registry):
    rendered = allocation_map_render(_being_allocated_with_boundaries(settlement_make()))
    assert rendered is not None
    assert "06-097-001-000" in rendered.script and "06-097-001-001" in rendered.script
    assert "06-097-001-002" not in rendered.script  # allocated 200 days ago
    assert allocation_map_render(_being_allocated_with_boundaries(settlement_make("shu"))) is None
