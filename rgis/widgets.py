"""GeoDjango admin map widget that works offline: OpenLayers is served by the portal."""

import json

from django.conf import settings
from django.contrib.gis.forms.widgets import OSMWidget


class OfflineMapWidget(OSMWidget):
    """OpenLayers from our static files; the base map is the portal's setting, or none."""

    template_name = "rgis/widgets/openlayers.html"
    default_lon, default_lat = settings.RGIS_MAP_CENTER[1], settings.RGIS_MAP_CENTER[0]
    default_zoom = 11

    class Media:
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js")

    def get_context(self, name, value, attrs):  # type: ignore[no-untyped-def]
        context = super().get_context(name, value, attrs)
        # JSON literals for the inline script; "<" escaped so no "</script>" can end it early.
        context["basemap_url_js"] = _js_literal(settings.RGIS_BASEMAP_URL)
        context["basemap_attribution_js"] = _js_literal(settings.RGIS_BASEMAP_ATTRIBUTION)
        return context


def _js_literal(value: str) -> str:
    return json.dumps(value).replace("<", "\\u003c")
