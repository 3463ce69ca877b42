"""Every portal map starts here: a folium map centred on the city with the base map.

The base map is the configured XYZ tile service (RGIS_BASEMAP_URL), or none at all when
that is empty (the portal then works fully offline). Zoom and scale controls are added by
static/rgis/js/shell.js with the labels below, in the page's language.
"""

import folium
import xyzservices
from django.conf import settings
from django.utils.translation import gettext_lazy as _


def map_with_basemap() -> tuple[folium.Map, str | None]:
    """A new map of the city at the configured zoom, and its base map's JavaScript name."""
    lat, lon = settings.RGIS_MAP_CENTER
    fmap = folium.Map(
        location=[lat, lon],
        zoom_start=settings.RGIS_MAP_ZOOM,
        tiles=None,
        zoom_control=False,  # shell.js adds zoom and scale controls with translated labels
        prefer_canvas=True,
    )
    return fmap, _basemap_add(fmap)


def control_labels() -> dict[str, str]:
    """The labels of the zoom and scale controls, in the active language."""
    return {
        "zoom_in": str(_("Zoom in")),
        "zoom_out": str(_("Zoom out")),
        "km": str(_("km")),
        "m": str(_("m")),
    }


def _basemap_add(fmap: folium.Map) -> str | None:
    """The configured base map, if any; returns its JavaScript name."""
    if not settings.RGIS_BASEMAP_URL:
        return None
    # A TileProvider, not a bare URL: folium would search xyzservices' catalogue for it.
    provider = xyzservices.TileProvider(
        name="basemap",
        url=settings.RGIS_BASEMAP_URL,
        attribution=settings.RGIS_BASEMAP_ATTRIBUTION,
    )
    basemap = folium.TileLayer(
        tiles=provider,
        attr=settings.RGIS_BASEMAP_ATTRIBUTION,
        name=str(_("Base map")),
        max_zoom=19,
        control=False,
    )
    basemap.add_to(fmap)
    return basemap.get_name()
