"""Small maps of parcels for pages: one parcel's page, and "where plots are handed out now".

Both are folium maps (rgis.mapshell.features_map_render): the page loads
vendor/leaflet/leaflet.css, vendor/leaflet/leaflet.js and rgis/js/shell.js itself, places
`map.html` where the map goes and `map.script` after the scripts. They are cached while
what they draw stays the same (folium takes tens of milliseconds to build a map).
"""

import hashlib
import json

from django.conf import settings
from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from parcels.layers import STATUS_COLOURS
from parcels.models import Parcel, Settlement
from parcels.selectors import MAP_FEATURE_LIMIT, parcels_being_allocated
from rgis.geojson import features_bounds
from rgis.mapshell import RenderedMap, features_map_render

CACHE_SECONDS = 24 * 3600


def _cache_key(kind: str, parts: list[str]) -> str:
    parts = [
        *parts,
        get_language() or "",
        settings.RGIS_BASEMAP_URL,
        settings.RGIS_BASEMAP_ATTRIBUTION,
    ]
    return f"parcels:{kind}:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


# allocation_map_render (the queues engineer's part of this module) calls it by this name
# until the merge, where it calls rgis.geojson.features_bounds itself.
_bounds = features_bounds


def _popup_feature(parcel: Parcel) -> dict:
    # Popups show the properties as a table: their names are in the visitor's language.
    return {
        "type": "Feature",
        # folium keys its styles by the feature id, else by a property it writes as a
        # JavaScript name: translated labels with spaces would break the page's script.
        "id": parcel.cadastral_number,
        "properties": {
            _("Cadastral number"): parcel.cadastral_number,
            _("Address"): parcel.address,
            _("Area, ha"): str(parcel.area_ha),
            _("Status"): str(parcel.get_status_display()),
        },
        "geometry": json.loads(parcel.geojson),  # type: ignore[attr-defined]
    }


def parcel_map_render(parcel: Parcel) -> RenderedMap:
    """The map of one parcel (needs parcels.selectors.parcel_public_get's `geojson`)."""
    key = _cache_key("parcel", [str(parcel.pk), parcel.updated_at.isoformat()])
    rendered = cache.get(key)
    if rendered is None:
        feature = _popup_feature(parcel)
        rendered = features_map_render(
            {"type": "FeatureCollection", "features": [feature]},
            name=parcel.cadastral_number,
            bounds=features_bounds([feature]),
            colour=STATUS_COLOURS.get(parcel.status, "#c2410c"),
        )
        cache.set(key, rendered, CACHE_SECONDS)
    return rendered


def allocation_map_render(
    *,
    settlement: Settlement | None = None,
    purpose_code: str | None = None,
    limit: int = MAP_FEATURE_LIMIT,
) -> RenderedMap | None:
    """Where plots are handed out now: parcels reserved for an offer or allocated lately
    (parcels.selectors.parcels_being_allocated), on a small map; None when there are none.

    For the resident's queue page: `allocation_map_render(settlement=queue.settlement,
    purpose_code=queue.purpose.code)`, then in the template
    `{% include "parcels/includes/allocation_map.html" with allocation_map=... %}`.
    """
    parcels = list(
        parcels_being_allocated(settlement, purpose_code).annotate(
            geojson=AsGeoJSON(Transform("geometry", 4326), precision=6)
        )[:limit]
    )
    if not parcels:
        return None
    key = _cache_key(
        "allocating",
        [f"{p.pk}:{p.status}:{p.updated_at.isoformat()}" for p in parcels],
    )
    rendered = cache.get(key)
    if rendered is None:
        features = [_popup_feature(parcel) for parcel in parcels]
        rendered = features_map_render(
            {"type": "FeatureCollection", "features": features},
            name=_("Plots being allocated now"),
            bounds=_bounds(features),
            colour=STATUS_COLOURS[Parcel.Status.RESERVED],
        )
        cache.set(key, rendered, CACHE_SECONDS)
    return rendered
