"""Maps rendered for a page: the parts a template places, and maps of a few features.

`features_map_render` draws some features (import previews, version pages, the plots
being allocated) with attribute popups; the page needs leaflet.js and shell.js.
"""

from dataclasses import dataclass
from typing import Any, cast

import folium
from branca.element import Figure, MacroElement
from jinja2 import Template

from rgis.maps.basemap import control_labels, map_with_basemap


@dataclass(frozen=True)
class RenderedMap:
    """The parts of a folium map that the page template places itself."""

    html: str
    script: str


def map_render(fmap: folium.Map) -> RenderedMap:
    """The HTML and the script of a finished map."""
    figure = cast(Figure, fmap.get_root())
    figure.render()
    return RenderedMap(html=figure.html.render(), script=figure.script.render())


class MapControls(MacroElement):
    """Zoom and scale controls with translated labels (static/rgis/js/shell.js)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            rgisShell.addControls({{ this._parent.get_name() }}, {{ this.labels|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MapControls"
        self.labels = control_labels()


def features_map_render(
    collection: dict[str, Any],
    *,
    name: str = "",
    bounds: tuple[float, float, float, float] | None = None,
    colour: str = "#c2410c",
) -> RenderedMap:
    """A map of some features (WGS 84 GeoJSON) fitted to `bounds`, with attribute popups:
    import previews and version pages. Needs leaflet.js and shell.js on the page."""
    fmap, _basemap_name = map_with_basemap()
    if collection.get("features"):
        folium.GeoJson(
            collection,
            name=name,
            style_function=lambda feature: {"color": colour, "weight": 2, "fillOpacity": 0.15},
            marker=folium.CircleMarker(radius=5),
            on_each_feature=folium.JsCode("rgisShell.attributePopup"),
        ).add_to(fmap)
    if bounds is not None:
        west, south, east, north = bounds
        fmap.fit_bounds([[south, west], [north, east]], max_zoom=18)
    MapControls().add_to(fmap)
    return map_render(fmap)
