"""The lean tile path (geodata.tile_server) in front of Django, called as a WSGI server calls it."""

import contextlib
import gzip
import io
import json
import sys
from wsgiref.validate import validator

import mapbox_vector_tile
import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError, close_old_connections
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from geodata.samples import parcel_grid
from geodata.tile_server import TILE_PATH, TileServer
from tests.geodata.conftest import tile_url_at_centre

pytestmark = pytest.mark.django_db


@pytest.fixture
def server():
    """TileServer around Django; every call goes through wsgiref's validator (WSGI checks)."""
    return validator(TileServer(WSGIHandler()))


@contextlib.contextmanager
def transaction_kept():
    """As Django's test client does: close_old_connections off the request signals.

    Inside a test's transaction it would close the connection. The client connects it
    again after each of its own requests, so it is taken off around every call.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def wsgi_get(app, url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    path, _, query = url.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **{f"HTTP_{name.upper()}": value for name, value in headers.items()},
    }
    answer: dict = {}

    def start_response(status: str, response_headers: list, exc_info: object = None) -> None:
        answer["status"] = int(status.split()[0])
        answer["headers"] = {name.lower(): value for name, value in response_headers}

    with transaction_kept():
        body = app(environ, start_response)
        try:
            content = b"".join(body)
        finally:
            body.close()
    return answer["status"], answer["headers"], content


def test_the_lean_path_matches_the_urls_django_gives_tiles():
    url = reverse("tiles:tile", args=["pdp-7.zones", 16, 45123, 24011])
    assert TILE_PATH.fullmatch(url)
    assert not TILE_PATH.fullmatch(reverse("tiles:tilejson", args=["pdp-7.zones"]))
    # Parcel tiles are parcels' own view: the lean path hands them to Django.
    assert not TILE_PATH.fullmatch(reverse("parcel_tiles:tile", args=["registry", 16, 1, 2]))


def test_a_tile_comes_out_the_same_as_from_the_django_view(client, parcels, server):
    url = tile_url_at_centre(client, parcels)
    from_django = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert from_django.status_code == 200

    status, headers, content = wsgi_get(server, url, accept_encoding="gzip", accept_language="ru")

    assert status == 200
    assert content == from_django.content  # the cached gzip copy either way
    for name in ("Content-Type", "Content-Encoding", "ETag", "Cache-Control", "Vary"):
        assert headers[name.lower()] == from_django[name], name
    # Sent with its length, not chunked: a proxy or phone knows at once how much is coming.
    assert headers["content-length"] == from_django["Content-Length"] == str(len(content))
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["access-control-allow-origin"] == "*"
    assert "set-cookie" not in headers
    assert "content-language" not in headers  # a tile does not depend on the language
    features = mapbox_vector_tile.decode(gzip.decompress(content))["pdp-tiles.parcels"]
    assert len(features["features"]) > 0


def test_an_uncached_tile_is_made_sent_and_then_cached(client, parcels, server):
    url = tile_url_at_centre(client, parcels)
    x, y = url.partition("?")[0].removesuffix(".mvt").split("/")[-2:]
    client.get(url.replace(f"/{x}/{y}.mvt", f"/{int(x) + 1}/{y}.mvt"))  # layer remembered

    status, headers, made = wsgi_get(server, url, accept_encoding="gzip")
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    status_plain, headers_plain, plain = wsgi_get(server, url)

    assert status == 200 and headers["content-encoding"] == "gzip"
    assert headers["content-length"] == str(len(made))
    assert again.content == made
    assert status_plain == 200 and "content-encoding" not in headers_plain
    assert headers_plain["content-length"] == str(len(plain))
    assert gzip.decompress(made) == plain
    revalidated = wsgi_get(server, url, if_none_match=headers["etag"])
    assert revalidated[0] == 304 and revalidated[2] == b""


def test_unknown_layers_and_tiles_get_djangos_translated_404(client, parcels, server):
    url = tile_url_at_centre(client, parcels)

    for missing in ("/tiles/pdp-tiles.nothing/15/0/0.mvt", url.replace("/15/", "/2/")):
        status, headers, content = wsgi_get(server, missing, accept_language="ru")
        assert status == 404, missing
        assert headers["content-language"] == "ru"
    assert wsgi_get(server, "/healthz")[0] == 200  # everything else is Django's


def test_a_tile_the_database_is_too_slow_for_gets_503_in_the_browsers_language(
    client, parcels, server, monkeypatch
):
    url = tile_url_at_centre(client, parcels)
    client.get(url)  # the layer is remembered

    def too_slow(*_args: object) -> bytes:
        raise OperationalError("canceling statement due to statement timeout")

    monkeypatch.setattr("geodata.tiles.tile_render", too_slow)
    x, y = url.partition("?")[0].removesuffix(".mvt").split("/")[-2:]
    neighbour = url.replace(f"/{x}/{y}.mvt", f"/{int(x) + 1}/{y}.mvt")  # not cached yet
    status, headers, content = wsgi_get(server, neighbour, accept_language="ru")

    assert status == 503
    assert headers["retry-after"] == "5"
    assert headers["content-language"] == "ru"
    with translation.override("ru"):
        expected = gettext("The tile took too long to make. Try again in a moment.")
    assert json.loads(content) == {"error": expected}
    assert expected.startswith("Формирование тайла")


def test_a_new_version_is_served_from_its_tile_url_at_once(client, parcels, server):
    url = tile_url_at_centre(client, parcels)
    wsgi_get(server, url)
    layer, publish = parcels
    changed = parcel_grid(100)
    changed["ZONA"] = "Р-1"
    publish(changed, "v2.zip")
    new_url = client.get("/tiles/pdp-tiles.parcels.json").json()["tiles"][0]
    z, x, y = url.partition("?")[0].removesuffix(".mvt").split("/")[-3:]
    new_url = new_url.replace("http://testserver", "").format(z=z, x=x, y=y)

    status, _headers, content = wsgi_get(server, new_url)

    features = mapbox_vector_tile.decode(content)["pdp-tiles.parcels"]["features"]
    assert status == 200
    assert {feature["properties"]["ZONA"] for feature in features} == {"Р-1"}
