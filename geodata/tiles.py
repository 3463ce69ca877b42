"""The vector tile machinery of the portal, and the tiles of every published plan layer.

Every tile (Mapbox Vector Tile) is cut by PostGIS with one statement built by `tile_sql`:
clip to the tile, simplify to its grid and encode (ST_AsMVT). It runs under
RGIS_TILE_TIMEOUT_MS (`tile_render`), and `tile_response` answers it: gzip-compressed
(cheaply: ISA-L's level 1) to clients that accept gzip, which is every browser, and
decompressed to others; kept in the tile cache under the key the caller gives, written
after the last byte is sent; 503 when the database was too slow (`tile_too_slow_response`).
A layer of another app (parcels' map layers) supplies its statement's columns and filter,
its cache key and its revision; the rest is this module's.

A plan layer's tile is cut from the layer's current version. Its tiles are cached per
version: publishing a new version changes the key, the ETag and the tile URLs (`?v=`), so
neither this cache nor the proxy's can serve a tile of a superseded version. Which layer
version a tile comes from is remembered per process for RGIS_TILE_LAYER_MEMO_SECONDS (see
published_layer_memoised): a layer unpublished or archived stops being served by the app
within that time, while a new version shows at once through the `?v=` URLs of its TileJSON.
"""

import gzip
import logging
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.utils import OperationalError
from django.http import HttpResponse, JsonResponse
from django.urls.converters import StringConverter
from django.utils.translation import gettext as _
from isal import igzip

from geodata.models import Layer, LayerVersion
from geodata.selectors import layer_public_id
from rgis.db import fetchone_with_timeout
from rgis.middleware import language_independent

logger = logging.getLogger(__name__)


class PublicIdConverter(StringConverter):
    """A plan layer in tile URLs, "<plan>.<layer>": two slugs joined by a dot."""

    regex = r"[-a-zA-Z0-9_]+\.[-a-zA-Z0-9_]+"


MVT_TYPE = "application/vnd.mapbox-vector-tile"
MAX_ZOOM = 22
TILE_EXTENT = 4096
TILE_BUFFER = 64
CACHE_SECONDS = 7 * 24 * 3600
# An uncached tile is compressed while its client waits. ISA-L (isal) makes the same gzip
# format about three times faster than zlib at the same size (level 1: about a third of
# the tile; ~60 us instead of ~155 us for a median 15 KB z16 tile). The cache and the
# proxy keep this copy.
GZIP_LEVEL = 1
ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as Django's GZipMiddleware reads Accept-Encoding

# --- Tile math ---


def tile_exists(z: int, x: int, y: int) -> bool:
    return z <= MAX_ZOOM and x < 2**z and y < 2**z


def tile_pinned_version(query_value: str) -> int | None:
    """The version id a tile URL names (?v=, from TileJSON), None if none or not a number."""
    return int(query_value) if query_value.isdecimal() and len(query_value) < 19 else None


# --- The statement ---

# One statement: clip, simplify to the tile grid and encode. `{columns}` become the tile's
# properties (and its feature id); rows are those of `{source}` whose `{geometry}` meets
# the tile (with the buffer) and that pass `{condition}`.
_TILE_SQL_TEMPLATE = """
WITH bounds AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env,
           ST_Transform(
               ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => %(margin)s), %(srid)s
           ) AS search
),
tile AS (
    SELECT ST_AsMVTGeom(ST_Transform({geometry}, 3857), bounds.env, %(extent)s, %(buffer)s)
               AS geom,
           {columns}
    FROM {source}, bounds
    WHERE {condition} AND {geometry} && bounds.search
)
SELECT ST_AsMVT(tile.*, %(name)s, %(extent)s, 'geom', '{feature_id}') FROM tile
WHERE geom IS NOT NULL
"""


def tile_sql(*, source: str, geometry: str, columns: str, condition: str, feature_id: str) -> str:
    """The tile statement of a layer; its parameters are tile_params' and the layer's own.

    `source` is the table with its alias, `columns` the feature id and the properties as
    SQL, `feature_id` the name of the id column among them.
    """
    return _TILE_SQL_TEMPLATE.format(
        source=source,
        geometry=geometry,
        columns=columns,
        condition=condition,
        feature_id=feature_id,
    )


def tile_params(name: str, z: int, x: int, y: int) -> dict[str, Any]:
    """The parameters every tile statement takes: the tile, its grid, the layer's name in it."""
    return {
        "z": z,
        "x": x,
        "y": y,
        "margin": TILE_BUFFER / TILE_EXTENT,
        "srid": settings.RGIS_STORAGE_SRID,
        "extent": TILE_EXTENT,
        "buffer": TILE_BUFFER,
        "name": name,
    }


def tile_render(alias: str, sql: str, params: dict[str, Any]) -> bytes:
    """The MVT bytes of one tile (empty bytes where it has no features).

    Raises OperationalError when the database takes longer than RGIS_TILE_TIMEOUT_MS.
    One round trip: the timeout and the statement together (see fetchone_with_timeout).
    """
    row = fetchone_with_timeout(alias, sql, params, settings.RGIS_TILE_TIMEOUT_MS)
    return bytes(row[0]) if row and row[0] else b""


# --- The answer ---


class TileTooSlow(Exception):
    """The database did not make the tile within RGIS_TILE_TIMEOUT_MS (or was unreachable)."""


def tile_response(
    render: Callable[[], bytes] | None,
    *,
    cache_key: str,
    etag: str,
    max_age: int,
    if_none_match: str,
    accept_encoding: str,
) -> HttpResponse:
    """The answer for an existing tile: 200 or 304; raises TileTooSlow.

    `render` makes the tile's MVT bytes; None answers an empty tile (a zoom the layer is
    not drawn at). The tile is kept in the tile cache under `cache_key`, unless it is ""
    (made and sent, not kept). `etag` ("" for none) names the tile's bytes for
    revalidation. The response is complete as it is (no cookies, no language, its own
    security header): the lean tile path (geodata.tile_server) sends it without Django's
    middleware.
    """
    # Weak comparison: the gzip copy (and proxies) hand out the ETag as W/"...".
    if etag and etag in {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}:
        not_modified = HttpResponse(status=304)
        del not_modified["Content-Type"]  # a 304 has no body to describe
        return _cacheable(not_modified, etag, max_age)
    if render is None:
        return _cacheable(HttpResponse(b"", content_type=MVT_TYPE), etag, max_age)
    compressed = caches["tiles"].get(cache_key) if cache_key else None
    cache_entry = None
    if compressed is None:
        try:
            body = render()
        except OperationalError as error:
            raise TileTooSlow from error
        # mtime=0: the same tile gives the same bytes, whenever it was made.
        compressed = igzip.compress(body, GZIP_LEVEL, mtime=0) if body else b""
        cache_entry = (cache_key, compressed) if cache_key else None
    if not compressed:
        response = _TileResponse(b"", content_type=MVT_TYPE)
    elif ACCEPTS_GZIP.search(accept_encoding):
        response = _TileResponse(compressed, content_type=MVT_TYPE)
        response["Content-Encoding"] = "gzip"  # GZipMiddleware leaves it alone
        # Weak, as GZipMiddleware makes it: the gzip and plain copies differ byte for byte.
        etag = f"W/{etag}" if etag else ""
        response["Vary"] = "Accept-Encoding"
    else:
        response = _TileResponse(gzip.decompress(compressed), content_type=MVT_TYPE)
        response["Vary"] = "Accept-Encoding"
    response.cache_entry = cache_entry
    return _cacheable(response, etag, max_age)


def tile_too_slow_response() -> JsonResponse:
    """503 with a message in the active language: try again shortly."""
    too_slow = JsonResponse(
        {"error": _("The tile took too long to make. Try again in a moment.")}, status=503
    )
    too_slow["Retry-After"] = "5"
    return too_slow


class _TileResponse(HttpResponse):
    """A tile response that writes the tile to the tile cache once it has been sent.

    The WSGI server (and Django's test client) calls close() after the last byte is
    written, so the proxy or browser waiting for the tile does not wait for the cache file.
    """

    cache_entry: tuple[str, bytes] | None = None

    def close(self) -> None:
        if self.cache_entry is not None:
            key, compressed = self.cache_entry
            self.cache_entry = None
            try:
                caches["tiles"].set(key, compressed, CACHE_SECONDS)
            except OSError:
                # Too late to tell the client, and the tile it got is right: note it only.
                logger.exception("Could not write tile %s to the tile cache", key)
        super().close()


def _cacheable(response: HttpResponse, etag: str, max_age: int) -> HttpResponse:
    if response.status_code == 200:
        # As CommonMiddleware sets it; the lean path (no middleware) sent tiles chunked.
        response["Content-Length"] = str(len(response.content))
    if etag:
        response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"  # as SecurityMiddleware sets it
    return language_independent(response)  # no Vary: Accept-Language from LocaleMiddleware


# --- The tiles of plan layers ---

# Each feature's id is its fid; every public attribute (the JSONB column less the hidden
# keys) becomes a tile property.
TILE_SQL = tile_sql(
    source="geodata_feature f",
    geometry="f.geometry",
    columns="f.fid, f.attributes - %(hidden)s::text[] AS attributes",
    condition="f.version_id = %(version)s",
    feature_id="fid",
)


def tile_sql_params(version: LayerVersion, name: str, z: int, x: int, y: int) -> dict[str, Any]:
    return {
        **tile_params(name, z, x, y),
        "version": version.pk,
        "hidden": list(version.hidden_fields),
    }


def _tile_cache_key(version: LayerVersion, z: int, x: int, y: int) -> str:
    # The upload time too: ids start again in a re-created database, the cache survives it.
    # "tile-gz": the value is the gzip-compressed tile (b"" for an empty one).
    return f"tile-gz:{version.pk}:{version.uploaded_at.timestamp():.6f}:{z}:{x}:{y}"


def layer_tile_response(
    layer: Layer,
    version: LayerVersion,
    public_id: str,
    tile: tuple[int, int, int],
    *,
    if_none_match: str,
    accept_encoding: str,
) -> HttpResponse:
    """The answer for an existing tile of a published version: 200 or 304; TileTooSlow.

    Shared by the Django view (geodata.views.api.tiles) and the lean tile path of
    geodata.tile_server.
    """
    z, x, y = tile

    def render() -> bytes:
        # Looked up when called: the tests stand in a slow database for tile_render.
        return tile_render(DEFAULT_DB_ALIAS, TILE_SQL, tile_sql_params(version, public_id, *tile))

    return tile_response(
        # Dense layers are not drawn city-wide: an empty tile, not an error.
        render if z >= layer.min_zoom else None,
        cache_key=_tile_cache_key(version, z, x, y),
        etag=f'"{version.pk}-{z}-{x}-{y}"',
        max_age=settings.RGIS_TILE_MAX_AGE,
        if_none_match=if_none_match,
        accept_encoding=accept_encoding,
    )


def version_field_types(version: LayerVersion) -> dict[str, str]:
    """The type of each public attribute a version's tiles carry, as TileJSON names them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT key, min(jsonb_typeof(value)) FROM geodata_feature, "
            "jsonb_each(attributes - %s::text[]) WHERE version_id = %s AND id IN ("
            "  SELECT id FROM geodata_feature WHERE version_id = %s ORDER BY fid LIMIT 1000"
            ") GROUP BY key ORDER BY key",
            [list(version.hidden_fields), version.pk, version.pk],
        )
        rows = cursor.fetchall()
    names = {"number": "Number", "boolean": "Boolean"}
    return {key: names.get(kind, "String") for key, kind in rows}


def tile_url_template(layer: Layer, version: LayerVersion) -> str:
    """Relative URL template of a layer's tiles, pinned to its current version."""
    return f"/tiles/{layer_public_id(layer)}/{{z}}/{{x}}/{{y}}.mvt?v={version.pk}"
