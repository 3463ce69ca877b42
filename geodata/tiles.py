"""Vector tiles (Mapbox Vector Tile) and TileJSON for every published layer.

A tile is cut from the layer's current version by PostGIS (ST_AsMVT). Tiles are cached per
version: publishing a new version changes the key, the ETag and the tile URLs (`?v=`), so
neither this cache nor the proxy's can serve a tile of a superseded version.

Tiles are cached gzip-compressed (cheaply: ISA-L's level 1) and sent as they are to clients that
accept gzip, which is every browser; others get them decompressed. Which layer version a
tile comes from is remembered per process for RGIS_TILE_LAYER_MEMO_SECONDS (see
published_layer_memoised): a layer unpublished or archived stops being served by the app
within that time, while a new version shows at once through the `?v=` URLs of its TileJSON.
"""

import gzip
import logging
import re

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.utils import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from isal import igzip

from geodata.models import Layer, LayerVersion
from geodata.selectors import layer_public_id, published_layer_get, published_layer_memoised
from rgis.db import fetchone_with_timeout
from rgis.middleware import language_independent

logger = logging.getLogger(__name__)

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

# One statement: clip, simplify to the tile grid and encode; the feature id is the fid and
# every public attribute (the JSONB column less the hidden keys) becomes a tile property.
TILE_SQL = """
WITH bounds AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env,
           ST_Transform(
               ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => %(margin)s), %(srid)s
           ) AS search
),
tile AS (
    SELECT ST_AsMVTGeom(ST_Transform(f.geometry, 3857), bounds.env, %(extent)s, %(buffer)s)
               AS geom,
           f.fid,
           f.attributes - %(hidden)s::text[] AS attributes
    FROM geodata_feature f, bounds
    WHERE f.version_id = %(version)s AND f.geometry && bounds.search
)
SELECT ST_AsMVT(tile.*, %(name)s, %(extent)s, 'geom', 'fid') FROM tile WHERE geom IS NOT NULL
"""


def tile_sql_params(version: LayerVersion, name: str, z: int, x: int, y: int) -> dict:
    return {
        "z": z,
        "x": x,
        "y": y,
        "margin": TILE_BUFFER / TILE_EXTENT,
        "srid": settings.RGIS_STORAGE_SRID,
        "extent": TILE_EXTENT,
        "buffer": TILE_BUFFER,
        "version": version.pk,
        "name": name,
        "hidden": list(version.hidden_fields),
    }


def tile_render(version: LayerVersion, name: str, z: int, x: int, y: int) -> bytes:
    """The MVT bytes of one tile of a version (empty bytes where it has no features)."""
    # One round trip: the timeout and the statement together (see fetchone_with_timeout).
    row = fetchone_with_timeout(
        DEFAULT_DB_ALIAS,
        TILE_SQL,
        tile_sql_params(version, name, z, x, y),
        settings.RGIS_TILE_TIMEOUT_MS,
    )
    return bytes(row[0]) if row and row[0] else b""


def _tile_cache_key(version: LayerVersion, z: int, x: int, y: int) -> str:
    # The upload time too: ids start again in a re-created database, the cache survives it.
    # "tile-gz": the value is the gzip-compressed tile (b"" for an empty one).
    return f"tile-gz:{version.pk}:{version.uploaded_at.timestamp():.6f}:{z}:{x}:{y}"


def _published(public_id: str) -> tuple[Layer, LayerVersion]:
    try:
        return published_layer_get(public_id)
    except Layer.DoesNotExist:
        raise Http404(_("No published layer “%(id)s”.") % {"id": public_id}) from None


class TileTooSlow(Exception):
    """The database did not make the tile within RGIS_TILE_TIMEOUT_MS (or was unreachable)."""


def tile_exists(z: int, x: int, y: int) -> bool:
    return z <= MAX_ZOOM and x < 2**z and y < 2**z


def tile_pinned_version(query_value: str) -> int | None:
    """The version id a tile URL names (?v=, from TileJSON), None if none or not a number."""
    return int(query_value) if query_value.isdecimal() and len(query_value) < 19 else None


@require_GET
def tile(request: HttpRequest, public_id: str, z: int, x: int, y: int) -> HttpResponse:
    try:
        pinned = tile_pinned_version(request.GET.get("v", ""))
        layer, version = published_layer_memoised(public_id, pinned)
    except Layer.DoesNotExist:
        raise Http404(_("No published layer “%(id)s”.") % {"id": public_id}) from None
    if not tile_exists(z, x, y):
        raise Http404(_("There is no such tile."))
    try:
        return tile_response(
            layer,
            version,
            public_id,
            (z, x, y),
            if_none_match=request.headers.get("If-None-Match", ""),
            accept_encoding=request.headers.get("Accept-Encoding", ""),
        )
    except TileTooSlow:
        return tile_too_slow_response()


def tile_response(
    layer: Layer,
    version: LayerVersion,
    public_id: str,
    tile: tuple[int, int, int],
    *,
    if_none_match: str,
    accept_encoding: str,
) -> HttpResponse:
    """The answer for an existing tile of a published version: 200 or 304; TileTooSlow.

    Shared by the view above and the lean tile path of geodata.tile_server, which calls it
    without Django's middleware: the response is complete as it is (no cookies, no
    language, its own security header).
    """
    z, x, y = tile
    etag = f'"{version.pk}-{z}-{x}-{y}"'
    # Weak comparison: the gzip copy (and proxies) hand out the ETag as W/"...".
    if etag in {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}:
        not_modified = HttpResponse(status=304)
        del not_modified["Content-Type"]  # a 304 has no body to describe
        return _cacheable(not_modified, etag)
    if z < layer.min_zoom:
        # Dense layers are not drawn city-wide: an empty tile, not an error.
        return _cacheable(HttpResponse(b"", content_type=MVT_TYPE), etag)
    key = _tile_cache_key(version, z, x, y)
    compressed = caches["tiles"].get(key)
    cache_entry = None
    if compressed is None:
        try:
            body = tile_render(version, public_id, z, x, y)
        except OperationalError as error:
            raise TileTooSlow from error
        # mtime=0: the same tile gives the same bytes, whenever it was made.
        compressed = igzip.compress(body, GZIP_LEVEL, mtime=0) if body else b""
        cache_entry = (key, compressed)
    if not compressed:
        response = _TileResponse(b"", content_type=MVT_TYPE)
    elif ACCEPTS_GZIP.search(accept_encoding):
        response = _TileResponse(compressed, content_type=MVT_TYPE)
        response["Content-Encoding"] = "gzip"  # GZipMiddleware leaves it alone
        # Weak, as GZipMiddleware makes it: the gzip and plain copies differ byte for byte.
        etag = f"W/{etag}"
        response["Vary"] = "Accept-Encoding"
    else:
        response = _TileResponse(gzip.decompress(compressed), content_type=MVT_TYPE)
        response["Vary"] = "Accept-Encoding"
    response.cache_entry = cache_entry
    return _cacheable(response, etag)


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


def _cacheable(response: HttpResponse, etag: str) -> HttpResponse:
    if response.status_code == 200:
        # As CommonMiddleware sets it; the lean path (no middleware) sent tiles chunked.
        response["Content-Length"] = str(len(response.content))
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={settings.RGIS_TILE_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"  # as SecurityMiddleware sets it
    return language_independent(response)  # no Vary: Accept-Language from LocaleMiddleware


def _field_types(version: LayerVersion) -> dict[str, str]:
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


@require_GET
def tilejson(request: HttpRequest, public_id: str) -> JsonResponse:
    """TileJSON 3.0.0: where the tiles are, their zooms, bounds and fields."""
    layer, version = _published(public_id)
    path = reverse("tiles:tile", args=[public_id, 0, 0, 0]).replace("/0/0/0.mvt", "")
    template = request.build_absolute_uri(path) + "/{z}/{x}/{y}.mvt" + f"?v={version.pk}"
    bounds = None
    center = None
    if version.extent is not None:
        extent = version.extent.transform(4326, clone=True).extent
        bounds = [round(value, 6) for value in extent]
        center = [
            round((extent[0] + extent[2]) / 2, 6),
            round((extent[1] + extent[3]) / 2, 6),
            max(layer.min_zoom, 12),
        ]
    document = {
        "tilejson": "3.0.0",
        "name": layer.name,
        "description": f"{layer.plan.name} — {layer.get_kind_display()}"
        + ("" if not layer.plan.is_draft else " " + _("(draft)")),
        "version": str(version.number),
        "scheme": "xyz",
        "tiles": [template],
        "minzoom": layer.min_zoom,
        "maxzoom": layer.max_zoom,
        "bounds": bounds,
        "center": center,
        "vector_layers": [
            {
                "id": public_id,
                "fields": _field_types(version),
                "minzoom": layer.min_zoom,
                "maxzoom": layer.max_zoom,
            }
        ],
    }
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=60"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def tile_url_template(layer: Layer, version: LayerVersion) -> str:
    """Relative URL template of a layer's tiles, pinned to its current version."""
    return f"/tiles/{layer_public_id(layer)}/{{z}}/{{x}}/{{y}}.mvt?v={version.pk}"
