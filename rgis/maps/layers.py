"""The home map's layer registry: the groups of its switcher and the layers apps offer.

Each app adds its layers in its AppConfig.ready() with `register_layer` (or, for layers
that change with the data, `register_layer_source`); the home map (rgis.maps.home) draws
them in a grouped layer switcher with the legend of the visible ones.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import folium
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from jinja2 import Template

# The groups the switcher always shows, in order. Published plans come first, a group
# each (their layers name the group); "plans" stands in while none is published.
LAYER_GROUPS: dict[str, Promise] = {
    "plans": _("Master plan and detailed plans"),
    "parcels": _("Land parcels"),
    "queues": _("Plots being allocated"),
    "appeals": _("Citizen appeals"),
    "reference": _("City boundaries"),
}


@dataclass(frozen=True)
class LegendEntry:
    label: str | Promise
    colour: str


@dataclass(frozen=True)
class MapLayer:
    """A layer an app offers to the home map."""

    key: str
    title: str | Promise
    group: str
    build: Callable[[], folium.map.Layer]
    # Changes whenever what `build` draws changes; the rendered map is cached by it.
    revision: Callable[[], str]
    legend: tuple[LegendEntry, ...] = field(default_factory=tuple)
    shown_by_default: bool = False
    # Groups outside LAYER_GROUPS (one per plan) are named by their layers.
    group_title: str = ""
    draft: bool = False


_registry: dict[str, MapLayer] = {}
_sources: list[Callable[[], list[MapLayer]]] = []


def register_layer(layer: MapLayer) -> None:
    """Offer a layer to the home map; the key is what the shareable URL carries."""
    if layer.group not in LAYER_GROUPS and not layer.group_title:
        raise ValueError(f"Map layer group {layer.group!r} needs a group_title")
    _registry[layer.key] = layer


def register_layer_source(source: Callable[[], list[MapLayer]]) -> None:
    """Offer layers that change with the data (published plan layers), asked on each page."""
    _sources.append(source)


def registered_layers() -> list[MapLayer]:
    """Every layer offered to the home map: those of the sources first, then the fixed ones."""
    layers = [layer for source in _sources for layer in source()]
    return layers + list(_registry.values())


def layer_groups(layers: list[MapLayer]) -> list[dict[str, Any]]:
    """The switcher's groups: one per published plan (named by its layers), then the fixed ones."""
    dynamic: dict[str, dict[str, Any]] = {}
    for layer in layers:
        if layer.group not in LAYER_GROUPS and layer.group not in dynamic:
            dynamic[layer.group] = {
                "key": layer.group,
                "title": layer.group_title,
                "draft": layer.draft,
            }
    fixed = [
        {"key": key, "title": str(title), "draft": False}
        for key, title in LAYER_GROUPS.items()
        if not (key == "plans" and dynamic)
    ]
    return list(dynamic.values()) + fixed


class VectorTileLayer(folium.map.Layer):
    """A layer drawn from the portal's vector tiles (Leaflet.VectorGrid via shell.js)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = rgisShell.vectorLayer({{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        *,
        public_id: str,
        url: str,
        minzoom: int,
        maxzoom: int,
        attribute: str,
        colours: dict[str, str],
        colour: str,
    ) -> None:
        super().__init__(name=public_id, overlay=True, control=False, show=False)
        self._name = "VectorTileLayer"
        self.options = {
            "id": public_id,
            "url": url,
            "minzoom": minzoom,
            "maxzoom": maxzoom,
            "attribute": attribute,
            "colours": colours,
            "colour": colour,
        }
