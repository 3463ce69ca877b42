"""rgis.tile_cache.TileFileCache: Django's file cache, culling every CULL_EVERY writes."""

import gzip
import pickle
from pathlib import Path

from django.core.cache.backends.filebased import FileBasedCache

from rgis.tile_cache import TileFileCache


def _cache(folder: Path, **options) -> TileFileCache:
    return TileFileCache(str(folder), {"OPTIONS": options})


def test_values_come_back_as_stored_and_django_can_read_the_files(tmp_path):
    cache = _cache(tmp_path)
    tile = gzip.compress(b"\x1a\x05layer" * 100, 1)
    cache.set("tile", tile)
    cache.set("other", {"any": "value"})

    assert cache.get("tile") == tile
    assert cache.get("other") == {"any": "value"}
    django = FileBasedCache(str(tmp_path), {})
    assert django.get("tile") == tile and django.get("other") == {"any": "value"}
    # The compressed tile is not compressed again: zlib level 0 (header 78 01) only frames
    # it; other values get zlib's default level (78 9c), as Django writes them.
    headers = set()
    for path in tmp_path.iterdir():
        with path.open("rb") as file:
            pickle.load(file)  # the expiry
            headers.add(file.read(2))
    assert headers == {b"\x78\x01", b"\x78\x9c"}


def test_the_directory_is_culled_every_cull_every_writes_not_on_each(tmp_path):
    cache = _cache(tmp_path / "c", MAX_ENTRIES=10, CULL_FREQUENCY=2, CULL_EVERY=25)
    for index in range(30):
        cache.set(f"tile-{index}", b"x")
    folder = tmp_path / "c"
    # Looked at the first write (nothing to cut) and at the 26th: of 25 files, 12 went
    # (MAX_ENTRIES / CULL_FREQUENCY); then the 26th to 30th were written.
    assert len(list(folder.iterdir())) == 25 - 12 + 5
