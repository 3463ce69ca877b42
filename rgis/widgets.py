"""GeoDjango admin map widget that works offline: OpenLayers is served by the portal."""

from typing import Any

from django.conf import settings
from django.contrib.gis.forms.widgets import OSMWidget


class OfflineMapWidget(OSMWidget):
    """OpenLayers from our static files; the base map is the portal's setting, or none."""

    template_name = "rgis/widgets/openlayers.html"
    # django-stubs types these as int; OSMWidget itself takes any number.
    default_lon = settings.RGIS_MAP_CENTER[1]  # type: ignore[assignment]  # see above
    default_lat = settings.RGIS_MAP_CENTER[0]  # type: ignore[assignment]  # see above
    default_zoom = 11

    class Media:
        extend = False  # replace, not add to, Django's CDN links
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js", "rgis/js/map-widget.js")

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        # Read by rgis/js/map-widget.js from a JSON script element: no inline script (CSP).
        context["options_id"] = f"{context['id']}_map_options"
        context["widget_options"] = {
            "geom_name": context["geom_type"],
            "id": context["id"],
            "map_id": f"{context['id']}_map",
            "map_srid": context["map_srid"],
            "name": context["name"],
            "default_lon": context["default_lon"],
            "default_lat": context["default_lat"],
            "default_zoom": context["default_zoom"],
            "basemap_url": settings.RGIS_BASEMAP_URL,
            "basemap_attribution": settings.RGIS_BASEMAP_ATTRIBUTION,
        }
        return context
