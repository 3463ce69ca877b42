"""The home map: a folium (Leaflet) map whose layers the apps register by group.

Each app adds its layers in its AppConfig.ready() with `register_layer`; the shell
draws them in a grouped layer switcher, shows the legend of the visible ones and keeps
position and visible layers in the URL hash (`#map=z/lat/lon&layers=a,b`).
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

import folium
import xyzservices
from branca.element import Figure, MacroElement
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from jinja2 import Template

from rgis.changes import map_data_changed_listen
from rgis.memo import ProcessMemo

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
    layers = [layer for source in _sources for layer in source()]
    return layers + list(_registry.values())


def _groups(layers: list[MapLayer]) -> list[dict]:
    dynamic: dict[str, dict] = {}
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


class ShellControls(MacroElement):
    """Hands the folium map and its layers to static/rgis/js/shell.js."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            rgisShell.attach({{ this._parent.get_name() }}, {
                groups: {{ this.groups|tojson }},
                layers: [
                {%- for entry in this.layers %}
                    {key: {{ entry.key|tojson }}, group: {{ entry.group|tojson }},
                     title: {{ entry.title|tojson }}, shown: {{ entry.shown|tojson }},
                     legend: {{ entry.legend|tojson }},
                     layer: {{ entry.layer.get_name() }}},
                {%- endfor %}
                ],
                basemap: {{ this.basemap_name|tojson }},
                labels: {{ this.labels|tojson }}
            });
        {% endmacro %}
        """
    )

    def __init__(self, layers, groups, basemap_name, labels):
        super().__init__()
        self._name = "ShellControls"
        self.layers = layers
        self.groups = groups
        self.basemap_name = basemap_name
        self.labels = labels


@dataclass(frozen=True)
class RenderedMap:
    """The parts of a folium map that the page template places itself."""

    html: str
    script: str


def home_map_render() -> RenderedMap:
    """The home map for the active language, rebuilt only when a layer's data changed.

    folium compiles its templates on every build (tens of milliseconds); the cache keeps
    the home page cheap on every web process. Which layers there are and their revisions
    (five queries, most of the page's time) are remembered per process and language for
    RGIS_REFERENCE_MEMO_SECONDS (see home_map_forget for the process that changes them).
    """
    language = get_language() or settings.LANGUAGE_CODE
    memo = _home_map_memos.get(language)
    if memo is None:
        memo = _home_map_memos.setdefault(
            language, ProcessMemo(lambda: _home_map_key_read(language))
        )
    layers, key = memo.get()
    rendered = cache.get(key)
    if rendered is None:
        rendered = _home_map_build(layers)
        cache.set(key, rendered, timeout=24 * 3600)
    return rendered


_home_map_memos: dict[str, ProcessMemo[tuple[list[MapLayer], str]]] = {}


def _home_map_key_read(language: str) -> tuple[list[MapLayer], str]:
    """The home map's layers in `language` and the cache key of the map they make."""
    with translation.override(language):
        key_parts = [
            language,
            settings.RGIS_BASEMAP_URL,
            settings.RGIS_BASEMAP_ATTRIBUTION,
            repr(settings.RGIS_MAP_CENTER),
            str(settings.RGIS_MAP_ZOOM),
        ]
        layers = registered_layers()
        revisions: dict[Callable[[], str], str] = {}  # parcels' two layers share theirs
        for layer in layers:
            if layer.revision not in revisions:
                revisions[layer.revision] = layer.revision()
            key_parts.append(f"{layer.key}={revisions[layer.revision]}")
    return layers, "home-map:" + hashlib.sha256("|".join(key_parts).encode()).hexdigest()


def home_map_forget() -> None:
    """This process reads the home map's layers again: now, and after the transaction.

    For the services that publish a layer, change a plan, a parcel or a district (the
    second clear undoes a read made by another request before the commit); other
    processes see the change within RGIS_REFERENCE_MEMO_SECONDS.
    """
    for memo in list(_home_map_memos.values()):
        memo.clear()
        memo.clear_on_commit()


# Registered when this module is first imported: a process that never drew the home map
# has no memo to clear (and a worker need not load folium to start).
map_data_changed_listen(home_map_forget)


def _home_map_build(layers: list[MapLayer]) -> RenderedMap:
    lat, lon = settings.RGIS_MAP_CENTER
    fmap = folium.Map(
        location=[lat, lon],
        zoom_start=settings.RGIS_MAP_ZOOM,
        tiles=None,
        zoom_control=False,  # shell.js adds zoom and scale controls with translated labels
        prefer_canvas=True,
    )
    basemap_name = _basemap_add(fmap)

    entries = []
    for layer in layers:
        folium_layer = layer.build()
        folium_layer.show = False  # shell.js shows what the URL (or the default) asks for
        folium_layer.control = False
        folium_layer.add_to(fmap)
        entries.append(
            {
                "key": layer.key,
                "group": layer.group,
                "title": str(layer.title),
                "shown": layer.shown_by_default,
                "legend": [{"label": str(e.label), "colour": e.colour} for e in layer.legend],
                "layer": folium_layer,
            }
        )
    groups = _groups(layers)
    labels = {
        "layers": str(_("Layers")),
        "legend": str(_("Legend")),
        "empty_group": str(_("Nothing published yet")),
        "no_legend": str(_("Turn on a layer to see its legend")),
        **_control_labels(),
        "whats_here": str(_("What is here")),
        "district": str(_("City district")),
        "zone": str(_("Master-plan zone")),
        "parcel": str(_("Parcel")),
        "plans": str(_("Plans covering this place")),
        "none": str(_("None")),
        "draft": str(_("draft")),
        "loading": str(_("Looking up…")),
        "error": str(_("The look-up failed. Try again.")),
        "close": str(_("Close")),
    }
    ShellControls(entries, groups, basemap_name, labels).add_to(fmap)

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
        self.labels = _control_labels()


def _control_labels() -> dict[str, str]:
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


def features_map_render(
    collection: dict,
    *,
    name: str = "",
    bounds: tuple[float, float, float, float] | None = None,
    colour: str = "#c2410c",
) -> RenderedMap:
    """A map of some features (WGS 84 GeoJSON) fitted to `bounds`, with attribute popups:
    import previews and version pages. Needs leaflet.js and shell.js on the page."""
    lat, lon = settings.RGIS_MAP_CENTER
    fmap = folium.Map(
        location=[lat, lon],
        zoom_start=settings.RGIS_MAP_ZOOM,
        tiles=None,
        zoom_control=False,
        prefer_canvas=True,
    )
    _basemap_add(fmap)
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
    figure = cast(Figure, fmap.get_root())
    figure.render()
    return RenderedMap(html=figure.html.render(), script=figure.script.render())
