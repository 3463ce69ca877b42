"""Parcel tiles are cached for the current revision only: random ?v= values fill no cache."""

import mapbox_vector_tile
import pytest

from parcels import selectors
from parcels.models import Parcel
from parcels.selectors import parcels_revision
from tests.parcels.factories import registry_import, rows_of, version_make
from tests.parcels.test_map_layers import centre, tile_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def tile_cache_dir(settings, tmp_path):
    """The tile cache as files, as in production: its entries can be counted."""
    location = tmp_path / "tile-cache"
    settings.CACHES = {
        **settings.CACHES,
        "tiles": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(location),
        },
    }
    selectors._revision_memo.clear()
    yield location
    selectors._revision_memo.clear()


def cached_tiles(location) -> int:
    return len(list(location.glob("*.djcache"))) if location.exists() else 0


def test_random_revisions_do_not_grow_the_tile_cache(client, tmp_path, tile_cache_dir):
    registry_import(version_make(tmp_path, rows_of(6)))
    x, y = tile_of(*centre(Parcel.objects.order_by("cadastral_number").first()), 16)
    url = f"/tiles/parcels/free/16/{x}/{y}.mvt"

    for attempt in range(20):
        answer = client.get(url, {"v": f"attacker-{attempt}", "lang": "en"})
        assert answer.status_code == 200
        # Still the right tile, just not kept.
        features = mapbox_vector_tile.decode(answer.content)["parcels-free"]["features"]
        assert len(features) >= 1
        assert "max-age=60" in answer["Cache-Control"]

    assert cached_tiles(tile_cache_dir) == 0
    current = client.get(url, {"v": parcels_revision(), "lang": "en"})
    assert current.status_code == 200
    assert cached_tiles(tile_cache_dir) == 1
    client.get(url, {"v": parcels_revision(), "lang": "en"})
    assert cached_tiles(tile_cache_dir) == 1
