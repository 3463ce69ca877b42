import math

import mapbox_vector_tile
import pytest

from geodata.importing.core import ImportOptions, layer_import
from geodata.models import Layer
from geodata.samples import parcel_grid, shapefile_zip
from geodata.services import layer_get_or_create, plan_get_or_create

pytestmark = pytest.mark.django_db


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile holding a point (Web Mercator)."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


@pytest.fixture
def parcels(tmp_path):
    plan, _ = plan_get_or_create(slug="pdp-tiles", name_kk="ЕЖЖ", name_ru="ПДП")
    layer, _ = layer_get_or_create(plan=plan, slug="parcels", kind=Layer.Kind.PARCELS)

    def publish(frame, name):
        archive = shapefile_zip(frame, tmp_path / name)
        return layer_import(
            upload=archive, original_name=name, layer=layer, options=ImportOptions(), user=None
        )

    return layer, publish


def test_a_tile_carries_the_features_and_all_their_attributes(client, parcels):
    layer, publish = parcels
    publish(parcel_grid(100), "v1.zip")
    tilejson = client.get("/tiles/pdp-tiles.parcels.json").json()
    assert tilejson["minzoom"] == 14  # parcels are not drawn city-wide
    assert tilejson["vector_layers"][0]["fields"]["KAD_NOMER"] == "String"
    assert tilejson["vector_layers"][0]["fields"]["PLOSHAD"] == "Number"
    lon, lat = tilejson["center"][:2]
    x, y = tile_of(lon, lat, 15)

    response = client.get(f"/tiles/pdp-tiles.parcels/15/{x}/{y}.mvt")

    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert response["Cache-Control"].startswith("public")
    features = mapbox_vector_tile.decode(response.content)["pdp-tiles.parcels"]["features"]
    assert 0 < len(features) <= 100
    by_id = {feature["id"]: feature for feature in features}
    assert by_id[0]["properties"]["KAD_NOMER"] == "06-097-000-000"
    assert by_id[0]["properties"]["NAZVANIE"] == "Жилая зона индивидуальной застройки"
    assert by_id[0]["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_the_tile_cache_follows_a_new_version(client, parcels):
    layer, publish = parcels
    publish(parcel_grid(100), "v1.zip")
    first = client.get("/tiles/pdp-tiles.parcels.json").json()
    lon, lat = first["center"][:2]
    x, y = tile_of(lon, lat, 15)
    url = f"/tiles/pdp-tiles.parcels/15/{x}/{y}.mvt"
    old = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=old["ETag"]).status_code == 304
    # After gzip the ETag is weak; revalidation must still answer 304.
    weak = client.get(url, HTTP_IF_NONE_MATCH=f'W/{old["ETag"]}, "other"')
    assert weak.status_code == 304

    changed = parcel_grid(100)
    changed["ZONA"] = "Р-1"
    publish(changed, "v2.zip")

    second = client.get("/tiles/pdp-tiles.parcels.json").json()
    assert second["tiles"] != first["tiles"]  # the URL names the version: proxies refetch
    new = client.get(url, HTTP_IF_NONE_MATCH=old["ETag"])
    assert new.status_code == 200
    assert new["ETag"] != old["ETag"]
    features = mapbox_vector_tile.decode(new.content)["pdp-tiles.parcels"]["features"]
    assert {feature["properties"]["ZONA"] for feature in features} == {"Р-1"}


def test_city_wide_zooms_get_empty_parcel_tiles_and_bad_addresses_404(client, parcels):
    layer, publish = parcels
    publish(parcel_grid(10), "v1.zip")
    x, y = tile_of(71.37, 42.9, 11)
    empty = client.get(f"/tiles/pdp-tiles.parcels/11/{x}/{y}.mvt")
    assert empty.status_code == 200 and empty.content == b""
    assert client.get("/tiles/pdp-tiles.parcels/23/0/0.mvt").status_code == 404
    assert client.get("/tiles/pdp-tiles.parcels/2/9/0.mvt").status_code == 404
    assert client.get("/tiles/pdp-tiles.nothing/15/0/0.mvt").status_code == 404


def test_archived_plans_are_not_served(client, parcels):
    layer, publish = parcels
    publish(parcel_grid(10), "v1.zip")
    layer.plan.status = "archived"
    layer.plan.save()
    assert client.get("/tiles/pdp-tiles.parcels.json").status_code == 404
