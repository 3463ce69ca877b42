"""The public JSON of the appeals (no sign-in, public fields only).

- /api/appeals/nearby?lat=&lon=&category=  open appeals of the category within 250 m;
- /api/appeals/places?q=                    the offline address search (selectors.places);
- /api/appeals/map?bbox=w,s,e,n&zoom=z      GeoJSON of the appeals in view, clustered on
  the server below zoom 16 (selectors.map).
"""

import math
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from appeals.selectors.map import appeals_map_features
from appeals.selectors.nearby import NEARBY_METRES, appeals_nearby
from appeals.selectors.places import place_search
from appeals.selectors.public import category_get
from rgis.api import ApiError, api_view
from rgis.geojson import Bounds, bbox_parse


def _float(request: HttpRequest, name: str) -> float:
    try:
        value = float(request.GET.get(name, ""))
    except ValueError:
        raise ApiError(_("Give %(name)s as a number in degrees.") % {"name": name}) from None
    if not math.isfinite(value):
        raise ApiError(_("Give %(name)s as a number in degrees.") % {"name": name})
    return value


@api_view()
def nearby_api(request: HttpRequest) -> dict[str, Any]:
    """Open appeals of a category within 250 m of a point: "is it one of these?"."""
    lat, lon = _float(request, "lat"), _float(request, "lon")
    category = category_get(request.GET.get("category", ""))
    if category is None:
        raise ApiError(_("Pick a category: give its code as category."))
    found = appeals_nearby(lat=lat, lon=lon, category=category)
    return {
        "radius_m": NEARBY_METRES,
        "appeals": [
            {
                "number": item.appeal.number,
                "status": item.appeal.status,
                "status_label": item.appeal.get_status_display(),
                "category": item.appeal.category.name,
                "received": item.appeal.received_at.date().isoformat(),
                "address": item.appeal.address,
                "description": item.description[:300],
                "metres": item.metres,
                "url": reverse("appeals:detail", args=[item.appeal.number]),
                "follow_url": reverse("appeals:follow", args=[item.appeal.number]),
            }
            for item in found
        ],
    }


@api_view()
def places_api(request: HttpRequest) -> dict[str, Any]:
    """Places whose address or name holds the query (parcels, districts): no geocoder."""
    return {"places": [place.as_json() for place in place_search(request.GET.get("q", ""))]}


def _bbox(request: HttpRequest) -> Bounds:
    try:
        return bbox_parse(request.GET.get("bbox", ""))
    except ValueError:
        raise ApiError(_("Give bbox as west,south,east,north in degrees.")) from None


def _zoom(request: HttpRequest) -> int:
    try:
        zoom = int(request.GET.get("zoom", ""))
    except ValueError:
        raise ApiError(_("Give zoom as a whole number from 0 to 22.")) from None
    if not 0 <= zoom <= 22:
        raise ApiError(_("Give zoom as a whole number from 0 to 22."))
    return zoom


@api_view()
def map_api(request: HttpRequest) -> dict[str, Any]:
    """The appeals in a box as GeoJSON, clustered on the server below zoom 16."""
    features = appeals_map_features(_bbox(request), _zoom(request))
    return {"type": "FeatureCollection", "features": features}
