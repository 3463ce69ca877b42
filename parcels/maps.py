"""Small maps of parcels for pages: one parcel's page, and "where plots are handed out now".

Both are folium maps (rgis.maps.render.features_map_render): the page loads
vendor/leaflet/leaflet.css, vendor/leaflet/leaflet.js and rgis/js/shell.js itself, places
`map.html` where the map goes and `map.script` after the scripts. They are cached while
what they draw stays the same (folium takes tens of milliseconds to build a map).
"""

import hashlib
import json
from collections.abc import Sequence

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from parcels.layers import STATUS_COLOURS
from parcels.models import Parcel
from rgis.geojson import features_bounds
from rgis.maps.render import RenderedMap, features_map_render

CACHE_SECONDS = 24 * 3600


def _cache_key(kind: str, parts: list[str]) -> str:
    parts = [
        *parts,
        get_language() or "",
        settings.RGIS_BASEMAP_URL,
        settings.RGIS_BASEMAP_ATTRIBUTION,
    ]
    return f"parcels:{kind}:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


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
        # Ignored below: geojson is annotated by the queryset (AsGeoJSON): mypy cannot see it.
        "geometry": json.loads(parcel.geojson),  # type: ignore[attr-defined]  # see above
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


def allocation_map_render(parcels: Sequence[Parcel]) -> RenderedMap | None:
    """Where plots are handed out now: parcels reserved for an offer or allocated lately
    (parcels.selectors.parcels_being_allocated), on a small map; None when there are none.

    Each parcel carries its boundary as `geojson` (WGS 84). The resident's queue look-up
    feeds it queues.selectors.public.parcels_being_allocated_for and places `map.html` and
    `map.script` itself; another page may use
    `{% include "parcels/includes/allocation_map.html" with allocation_map=... %}`.
    """
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
            bounds=features_bounds(features),
            colour=STATUS_COLOURS[Parcel.Status.RESERVED],
        )
        cache.set(key, rendered, CACHE_SECONDS)
    return rendered
