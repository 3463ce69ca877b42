"""GET /api/parcels/<layer>?bbox=&limit=: the map layers as GeoJSON, for other clients.

Public and without personal data: a parcel's number, address, area, status and purpose.
"""

import math

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from parcels.selectors import (
    MAP_FEATURE_LIMIT,
    MAP_FEATURE_LIMIT_MAX,
    MAP_LAYERS,
    map_layer_condition,
    parcels_map_features,
)
from rgis.api import ApiError, api_view

CACHE_SECONDS = 60


def _bbox(text: str) -> tuple[float, float, float, float] | None:
    if not text.strip():
        return None
    try:
        west, south, east, north = (float(part) for part in text.split(","))
        valid = all(math.isfinite(v) for v in (west, south, east, north)) and (
            -180 <= west < east <= 180 and -90 <= south < north <= 90
        )
    except ValueError:  # not four numbers
        valid = False
    if not valid:
        raise ApiError(
            _(
                "bbox is west,south,east,north in degrees (WGS 84), e.g. "
                "bbox=71.27,42.84,71.46,42.97."
            )
        )
    return (west, south, east, north)


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
