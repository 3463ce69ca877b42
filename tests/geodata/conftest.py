"""What the tile tests share: a parcel layer to publish versions of, and tile addresses."""

import math

import pytest

from geodata.importing.core import ImportOptions
from geodata.models import Layer
from geodata.samples import parcel_grid, shapefile_zip
from geodata.services import layer_file_import, layer_get_or_create, plan_get_or_create


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile holding a point (Web Mercator)."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


@pytest.fixture(autouse=True)
def download_cache(settings, tmp_path_factory):
    """Each test builds its downloads into a cache of its own."""
    settings.RGIS_DOWNLOAD_CACHE_DIR = tmp_path_factory.mktemp("downloads")
    return settings.RGIS_DOWNLOAD_CACHE_DIR


@pytest.fixture
def parcels(tmp_path):
    plan, _ = plan_get_or_create(slug="pdp-tiles", name_kk="ЕЖЖ", name_ru="ПДП")
    layer, _ = layer_get_or_create(plan=plan, slug="parcels", kind=Layer.Kind.PARCELS)

    def publish(frame, name):
        archive = shapefile_zip(frame, tmp_path / name)
        return layer_file_import(
            upload=archive,
            original_name=name,
            target=layer,
            options=ImportOptions(),
            user=None,
            commit=True,
            publish=True,
        )

    return layer, publish


def tile_url_at_centre(client, parcels, frame=None):
    """Publish the grid, return the URL (with ?v=) of a z15 tile at its centre."""
    layer, publish = parcels
    publish(parcel_grid(100) if frame is None else frame, "v1.zip")
    tilejson = client.get("/tiles/pdp-tiles.parcels.json").json()
    lon, lat = tilejson["center"][:2]
    x, y = tile_of(lon, lat, 15)
    return tilejson["tiles"][0].replace("http://testserver", "").format(z=15, x=x, y=y)
