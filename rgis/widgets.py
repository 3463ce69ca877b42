"""GeoDjango admin map widget that works offline: OpenLayers is served by the portal."""

import json
from typing import Any

from django.conf import settings
from django.contrib.gis.forms.widgets import OSMWidget


class OfflineMapWidget(OSMWidget):
    """OpenLayers from our static files; the base map is the portal's setting, or none."""

    template_name = "rgis/widgets/openlayers.html"
    # django-stubs types these as int; OSMWidget itself takes any number.
    default_lon = settings.RGIS_MAP_CENTER[1]  # type: ignore[assignment]
    default_lat = settings.RGIS_MAP_CENTER[0]  # type: ignore[assignment]
    default_zoom = 11

    class Media:
        extend = False  # replace, not add to, Django's CDN links
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js")

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        # JSON literals for the inline script; "<" escaped so no "</script>" can end it early.
        context["basemap_url_js"] = _js_literal(settings.RGIS_BASEMAP_URL)
        context["basemap_attribution_js"] = _js_literal(settings.RGIS_BASEMAP_ATTRIBUTION)
        return context


def _js_literal(value: str) -> str:
    return json.dumps(value).replace("<", "\\u003c")
