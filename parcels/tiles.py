"""Vector tiles of the registry's map layers: free parcels, parcels being allocated now.

Cut by PostGIS (ST_AsMVT) straight from parcels_parcel, filtered by status. The home map
asks with `?v=<revision>&lang=<language>`: the revision changes whenever a parcel does (and
daily), so such a tile is cached here and by the proxy. A tile asked without it, or with
any other revision than the current one (a page loaded before a change, or an attacker's
random values, each of which would otherwise be a new cache entry pushing good tiles out),
is made and sent but not cached. Property names and status labels are in the visitor's
language, for the popups.
"""

import hashlib
import time
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import router
from django.db.utils import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from parcels.models import Parcel
from parcels.selectors import MAP_LAYERS, RECENT_ALLOCATION_DAYS, parcels_revision
from rgis.db import fetchone_with_timeout

MVT_TYPE = "application/vnd.mapbox-vector-tile"
MIN_ZOOM = 12  # city-wide: there are hundreds of such plots, not hundreds of thousands
MAX_ZOOM = 22
TILE_EXTENT = 4096
TILE_BUFFER = 64
CACHE_SECONDS = 7 * 24 * 3600
UNVERSIONED_MAX_AGE = 60

_CONDITIONS = {
    "free": "p.status = 'free'",
    "allocating": (
        "(p.status = 'reserved' OR (p.status = 'allocated' AND p.status_changed_at >= "
        "now() - make_interval(days => %(recent_days)s)))"
    ),
}

_TILE_SQL = """
WITH bounds AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env,
           ST_Transform(
               ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => %(margin)s), %(srid)s
           ) AS search
),
tile AS (
    SELECT ST_AsMVTGeom(ST_Transform(p.geometry, 3857), bounds.env, %(extent)s, %(buffer)s)
               AS geom,
           p.id,
           jsonb_build_object(
               %(k_number)s, p.cadastral_number,
               %(k_address)s, CASE WHEN %(kazakh)s
                   THEN coalesce(nullif(p.address_kk, ''), p.address_ru)
                   ELSE coalesce(nullif(p.address_ru, ''), p.address_kk) END,
               %(k_area)s, p.area_ha,
               %(k_status)s, CASE p.status
                   WHEN 'free' THEN %(free)s WHEN 'reserved' THEN %(reserved)s
                   WHEN 'allocated' THEN %(allocated)s ELSE %(occupied)s END
           ) AS properties
    FROM parcels_parcel p, bounds
    WHERE p.geometry && bounds.search AND {condition}
)
SELECT ST_AsMVT(tile.*, %(name)s, %(extent)s, 'geom', 'id') FROM tile WHERE geom IS NOT NULL
"""


def layer_public_id(layer: str) -> str:
    """The id of the map layer (and of the layer inside its tiles)."""
    return f"parcels-{layer}"


def status_property() -> str:
    """The tile property the map colours by, in the active language."""
    return _("Status")


def tile_render(layer: str, z: int, x: int, y: int) -> bytes:
    """The MVT bytes of one tile of a parcels map layer, in the active language."""
    labels = dict(Parcel.Status.choices)
    params: dict[str, Any] = {
        "z": z,
        "x": x,
        "y": y,
        "margin": TILE_BUFFER / TILE_EXTENT,
        "srid": settings.RGIS_STORAGE_SRID,
        "extent": TILE_EXTENT,
        "buffer": TILE_BUFFER,
        "name": layer_public_id(layer),
        "recent_days": RECENT_ALLOCATION_DAYS,
        "kazakh": (translation.get_language() or "kk")[:2] == "kk",
        "k_number": _("Cadastral number"),
        "k_address": _("Address"),
        "k_area": _("Area, ha"),
        "k_status": status_property(),
        **{status: str(labels[status]) for status in Parcel.Status.values},
    }
    sql = _TILE_SQL.format(condition=_CONDITIONS[layer])
    row = fetchone_with_timeout(
        router.db_for_read(Parcel), sql, params, settings.RGIS_TILE_TIMEOUT_MS
    )
    return bytes(row[0]) if row and row[0] else b""


# (revision, monotonic time read): tiles come by the dozen, the revision costs a query; it
# is trusted for RGIS_TILE_LAYER_MEMO_SECONDS, as geodata's tiles trust their layer's version.
_revision_memo: list[tuple[str, float]] = []


def current_revision() -> str:
    """parcels_revision(), remembered per process for a few seconds."""
    now = time.monotonic()
    if _revision_memo and now - _revision_memo[0][1] < settings.RGIS_TILE_LAYER_MEMO_SECONDS:
        return _revision_memo[0][0]
    revision = parcels_revision()
    _revision_memo[:] = [(revision, now)]
    return revision


@require_GET
def tile(request: HttpRequest, layer: str, z: int, x: int, y: int) -> HttpResponse:
    if layer not in MAP_LAYERS:
        raise Http404(_("No such parcels layer."))
    if z > MAX_ZOOM or x >= 2**z or y >= 2**z:
        raise Http404(_("There is no such tile."))
    language = request.GET.get("lang", "")[:2]
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    asked = request.GET.get("v", "")
    # Only the current revision is cached: any other value is served as if none was given.
    revision = asked if asked and asked == current_revision() else ""
    response: HttpResponse
    if z < MIN_ZOOM:
        response = HttpResponse(b"", content_type=MVT_TYPE)
    else:
        key = ""
        body = None
        if revision:
            digest = hashlib.sha256(f"{layer}|{language}|{revision}".encode()).hexdigest()[:32]
            key = f"parcels-tile:{digest}:{z}:{x}:{y}"
            body = caches["tiles"].get(key)
        if body is None:
            try:
                with translation.override(language):
                    body = tile_render(layer, z, x, y)
            except OperationalError:
                error = JsonResponse(
                    {"error": _("The tile took too long to make. Try again in a moment.")},
                    status=503,
                )
                error["Retry-After"] = "5"
                return error
            if key:
                caches["tiles"].set(key, body, CACHE_SECONDS)
        response = HttpResponse(body, content_type=MVT_TYPE)
    max_age = settings.RGIS_TILE_MAX_AGE if revision else UNVERSIONED_MAX_AGE
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def tile_url_template(layer: str, revision: str, language: str) -> str:
    return f"/tiles/parcels/{layer}/{{z}}/{{x}}/{{y}}.mvt?v={revision}&lang={language}"
