"""The registry's map layers for other clients and for the map: GeoJSON and vector tiles.

GET /api/parcels/<layer>?bbox=&limit=: a layer as GeoJSON. Public and without personal
data: a parcel's number, address, area, status and purpose.
GET /tiles/parcels/<layer>/<z>/<x>/<y>.mvt?v=&lang=: a layer's vector tile
(parcels.layers, cut by geodata's tile machinery).
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from geodata.tiles import TileTooSlow, tile_exists, tile_too_slow_response
from parcels.layers import parcels_tile_response
from parcels.selectors import (
    MAP_FEATURE_LIMIT,
    MAP_FEATURE_LIMIT_MAX,
    MAP_LAYERS,
    map_layer_condition,
    parcels_map_features,
)
from rgis.api import ApiError, api_view
from rgis.geojson import Bounds, bbox_parse

CACHE_SECONDS = 60


def _bbox(text: str) -> Bounds | None:
    if not text.strip():
        return None
    try:
        return bbox_parse(text)
    except ValueError:  # not four numbers, or not a box in degrees
        raise ApiError(
            _(
                "bbox is west,south,east,north in degrees (WGS 84), e.g. "
                "bbox=71.27,42.84,71.46,42.97."
            )
        ) from None


def _limit(text: str) -> int:
    if not text.strip():
        return MAP_FEATURE_LIMIT
    if not text.strip().isdigit() or not 1 <= int(text) <= MAP_FEATURE_LIMIT_MAX:
        raise ApiError(
            _("limit is a whole number from 1 to %(max)s.") % {"max": MAP_FEATURE_LIMIT_MAX}
        )
    return int(text)


@api_view()
def parcels_layer_api(request: HttpRequest, layer: str) -> JsonResponse:
    """Free parcels, or parcels being allocated now, within ?bbox=, at most ?limit=."""
    if layer not in MAP_LAYERS:
        raise ApiError(_("No such parcels layer."), status=404)
    bbox = _bbox(request.GET.get("bbox", ""))
    limit = _limit(request.GET.get("limit", ""))
    features = parcels_map_features(condition=map_layer_condition(layer), bbox=bbox, limit=limit)
    body = {
        **features.collection,
        "numberReturned": len(features.collection["features"]),
        "truncated": features.truncated,
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def parcels_tile(request: HttpRequest, layer: str, z: int, x: int, y: int) -> HttpResponse:
    """One tile of a map layer, its properties in the language ?lang= names."""
    if layer not in MAP_LAYERS:
        raise Http404(_("No such parcels layer."))
    if not tile_exists(z, x, y):
        raise Http404(_("There is no such tile."))
    language = request.GET.get("lang", "")[:2]
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    try:
        return parcels_tile_response(
            layer,
            (z, x, y),
            language=language,
            revision=request.GET.get("v", ""),
            accept_encoding=request.headers.get("Accept-Encoding", ""),
        )
    except TileTooSlow:
        return tile_too_slow_response()
