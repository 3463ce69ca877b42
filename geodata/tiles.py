"""Vector tiles (Mapbox Vector Tile) and TileJSON for every published layer.

A tile is cut from the layer's current version by PostGIS (ST_AsMVT). Tiles are cached per
version: publishing a new version changes the key, the ETag and the tile URLs (`?v=`), so
neither this cache nor the proxy's can serve a tile of a superseded version.
"""

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.db.utils import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from geodata.models import Layer, LayerVersion
from geodata.selectors import layer_public_id, published_layer_get

MVT_TYPE = "application/vnd.mapbox-vector-tile"
MAX_ZOOM = 22
TILE_EXTENT = 4096
TILE_BUFFER = 64
CACHE_SECONDS = 7 * 24 * 3600

# One statement: clip, simplify to the tile grid and encode; the feature id is the fid and
# every uploaded attribute (the JSONB column) becomes a tile property.
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
           f.attributes
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
    }


def tile_render(version: LayerVersion, name: str, z: int, x: int, y: int) -> bytes:
    """The MVT bytes of one tile of a version (empty bytes where it has no features)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = %s", [settings.RGIS_TILE_TIMEOUT_MS])
        cursor.execute(TILE_SQL, tile_sql_params(version, name, z, x, y))
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] else b""


def _tile_cache_key(version: LayerVersion, z: int, x: int, y: int) -> str:
    # The upload time too: ids start again in a re-created database, the cache survives it.
    return f"tile:{version.pk}:{version.uploaded_at.timestamp():.6f}:{z}:{x}:{y}"


def _published(public_id: str) -> tuple[Layer, LayerVersion]:
    try:
        return published_layer_get(public_id)
    except Layer.DoesNotExist:
        raise Http404(_("No published layer “%(id)s”.") % {"id": public_id}) from None


@require_GET
def tile(request: HttpRequest, public_id: str, z: int, x: int, y: int) -> HttpResponse:
    layer, version = _published(public_id)
    if z > MAX_ZOOM or x >= 2**z or y >= 2**z:
        raise Http404(_("There is no such tile."))
    etag = f'"{version.pk}-{z}-{x}-{y}"'
    # Weak comparison: GZipMiddleware (and proxies) hand out the ETag as W/"...".
    offered = request.headers.get("If-None-Match", "")
    if etag in {tag.strip().removeprefix("W/") for tag in offered.split(",")}:
        return _cacheable(HttpResponse(status=304), etag)
    if z < layer.min_zoom:
        # Dense layers are not drawn city-wide: an empty tile, not an error.
        return _cacheable(HttpResponse(b"", content_type=MVT_TYPE), etag)
    cache = caches["tiles"]
    key = _tile_cache_key(version, z, x, y)
    body = cache.get(key)
    if body is None:
        try:
            body = tile_render(version, public_id, z, x, y)
        except OperationalError:
            response = JsonResponse(
                {"error": _("The tile took too long to make. Try again in a moment.")},
                status=503,
            )
            response["Retry-After"] = "5"
            return response
        cache.set(key, body, CACHE_SECONDS)
    return _cacheable(HttpResponse(body, content_type=MVT_TYPE), etag)


def _cacheable(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={settings.RGIS_TILE_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _field_types(version: LayerVersion) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT key, min(jsonb_typeof(value)) FROM geodata_feature, "
            "jsonb_each(attributes) WHERE version_id = %s AND id IN ("
            "  SELECT id FROM geodata_feature WHERE version_id = %s ORDER BY fid LIMIT 1000"
            ") GROUP BY key ORDER BY key",
            [version.pk, version.pk],
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
