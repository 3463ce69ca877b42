"""Downloads are built once per version, format and CRS, then read from the file cache."""

import pytest

from geodata.downloads.cache import download_cache_path, version_file_open
from geodata.models import LayerVersion
from tests.geodata.files import file_import, layer_create, parcels_zip

pytestmark = pytest.mark.django_db
URL = "/en/plans/pdp-taraz/parcels/v{number}/download/{fmt}/{query}"


@pytest.fixture
def layer(tmp_path):
    layer = layer_create("pdp-taraz", "parcels")
    file_import(parcels_zip(tmp_path, 12, zip_name="v1.zip"), layer)
    return layer


def body(response) -> bytes:
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("fmt", "query", "srid"),
    [("gpkg", "", 4326), ("shp", "?crs=EPSG:28412", 28412), ("geojson", "", 4326)],
)
def test_the_second_download_reads_the_file_the_first_built(client, layer, fmt, query, srid):
    version = LayerVersion.objects.get(number=1)
    cached = download_cache_path(version, file_format=fmt, srid=srid)
    assert not cached.exists()

    first = body(client.get(URL.format(number=1, fmt=fmt, query=query)))
    built = cached.stat()
    second = body(client.get(URL.format(number=1, fmt=fmt, query=query)))

    assert first == second == cached.read_bytes()
    again = cached.stat()
    assert (again.st_ino, again.st_mtime_ns) == (built.st_ino, built.st_mtime_ns)
    # One file per version, format and CRS, nothing left over from building it.
    assert [p.name for p in cached.parent.iterdir() if not p.name.startswith(".")] == [cached.name]
    assert not [p for p in cached.parent.iterdir() if p.name.startswith(".build-")]


def test_an_unpublished_version_is_not_downloadable_nor_built(client, layer, tmp_path):
    file_import(parcels_zip(tmp_path, 5, zip_name="v2.zip"), layer, publish=False)
    version = LayerVersion.objects.get(number=2)

    for fmt in ("gpkg", "shp", "geojson"):
        assert client.get(URL.format(number=2, fmt=fmt, query="")).status_code == 404
    assert not download_cache_path(version, file_format="gpkg", srid=4326).parent.exists()


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_build_the_file_once(tmp_path):
    import os
    import threading

    from django.db import connection

    layer = layer_create("pdp-taraz", "parcels")
    file_import(parcels_zip(tmp_path, 200, zip_name="v1.zip"), layer)
    version = LayerVersion.objects.get(number=1)
    start = threading.Barrier(2)
    handles: list = []

    def download() -> None:
        try:
            start.wait()
            handles.append(version_file_open(version, file_format="gpkg", srid=4326))
        finally:
            connection.close()

    threads = [threading.Thread(target=download) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Both read the one file built: a second build would have replaced it with another.
    assert len(handles) == 2
    assert os.fstat(handles[0].fileno()).st_ino == os.fstat(handles[1].fileno()).st_ino
    for handle in handles:
        handle.close()
