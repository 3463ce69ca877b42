import gzip
import time

import mapbox_vector_tile
import pytest

from geodata.samples import parcel_grid
from tests.geodata.conftest import tile_of, tile_url_at_centre

pytestmark = pytest.mark.django_db


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


def _fids(tile: bytes) -> set[int]:
    return {f["id"] for f in mapbox_vector_tile.decode(tile)["pdp-tiles.parcels"]["features"]}


def test_gzip_clients_get_the_stored_gzip_copy_and_others_the_plain_tile(client, parcels):
    url = tile_url_at_centre(client, parcels)

    made = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")  # made, then cached
    cached = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    plain = client.get(url)

    for gzipped in (made, cached):
        assert gzipped["Content-Encoding"] == "gzip"
        assert gzipped["ETag"].startswith('W/"')  # not the plain copy's bytes
        assert gzipped.content[:2] == b"\x1f\x8b"
    assert not plain.has_header("Content-Encoding")
    assert not plain["ETag"].startswith("W/")
    assert made.content == cached.content
    assert gzip.decompress(cached.content) == plain.content
    assert len(_fids(plain.content)) > 0
    assert _fids(gzip.decompress(made.content)) == _fids(plain.content)
    for response in (made, cached, plain):
        assert response["Vary"] == "Accept-Encoding"
    # Either ETag revalidates either copy.
    assert client.get(url, HTTP_IF_NONE_MATCH=made["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH=plain["ETag"]).status_code == 304


def test_tiles_do_not_vary_by_language_but_their_error_messages_do(client, parcels):
    url = tile_url_at_centre(client, parcels)

    for headers in ({"HTTP_ACCEPT_LANGUAGE": "ru-RU,ru;q=0.9"}, {}):
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip", **headers)
        assert response.status_code == 200
        assert "accept-language" not in response.get("Vary", "").lower()
        assert not response.has_header("Content-Language")
    empty = client.get("/tiles/pdp-tiles.parcels/11/0/0.mvt", HTTP_ACCEPT_LANGUAGE="ru")
    assert empty.status_code == 200 and "Vary" not in empty
    missing = client.get("/tiles/pdp-tiles.nothing/15/0/0.mvt", HTTP_ACCEPT_LANGUAGE="ru")
    assert missing.status_code == 404
    assert "Accept-Language" in missing["Vary"]


def test_a_version_published_by_another_process_shows_at_once_through_its_tile_urls(
    client, parcels, monkeypatch
):
    layer, publish = parcels
    old_url = tile_url_at_centre(client, parcels)
    unpinned = old_url.partition("?")[0]
    assert client.get(unpinned).status_code == 200  # this process now remembers version 1
    # Another process (the import worker) publishes: nothing tells this one.
    monkeypatch.setattr("geodata.services.published_layer_memo_clear", lambda: None)
    changed = parcel_grid(100)
    changed["ZONA"] = "Р-1"
    publish(changed, "v2.zip")

    tilejson = client.get("/tiles/pdp-tiles.parcels.json").json()
    new_url = (
        tilejson["tiles"][0]
        .replace("http://testserver", "")
        .format(**dict(zip("zxy", unpinned.removesuffix(".mvt").split("/")[-3:], strict=True)))
    )
    assert new_url != old_url

    def zones(url: str) -> set[str]:
        tile = client.get(url).content
        features = mapbox_vector_tile.decode(tile)["pdp-tiles.parcels"]["features"]
        return {feature["properties"]["ZONA"] for feature in features}

    assert zones(unpinned) != {"Р-1"}  # remembered for RGIS_TILE_LAYER_MEMO_SECONDS
    assert zones(new_url) == {"Р-1"}  # the URL names the new version: read again
    assert zones(unpinned) == {"Р-1"}  # and now remembered


def test_an_archived_plan_stops_being_served_within_the_memo_lifetime(
    client, parcels, settings, monkeypatch
):
    settings.RGIS_TILE_LAYER_MEMO_SECONDS = 2
    url = tile_url_at_centre(client, parcels)
    assert client.get(url).status_code == 200
    layer, _publish = parcels
    layer.plan.status = "archived"
    layer.plan.save()

    now = time.monotonic()
    monkeypatch.setattr("geodata.selectors.time.monotonic", lambda: now + 1)
    assert client.get(url).status_code == 200  # this process does not know yet
    monkeypatch.setattr("geodata.selectors.time.monotonic", lambda: now + 2.5)
    assert client.get(url).status_code == 404
    monkeypatch.setattr("geodata.selectors.time.monotonic", lambda: now + 3)
    assert client.get(url).status_code == 404  # a refusal is not remembered as a layer


def test_a_tile_is_one_statement_once_its_layer_is_remembered(
    client, parcels, django_assert_num_queries
):
    url = tile_url_at_centre(client, parcels)
    x, y = url.partition("?")[0].removesuffix(".mvt").split("/")[-2:]
    client.get(url)
    neighbour = url.replace(f"/{x}/{y}.mvt", f"/{int(x) + 1}/{y}.mvt")
    # In the test's transaction: savepoint, the tile with its timeout, rollback, release.
    with django_assert_num_queries(4):
        assert client.get(neighbour).status_code == 200
