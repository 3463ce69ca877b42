"""The home map: the registered layers (rgis.maps.layers) in a grouped layer switcher.

The shell (static/rgis/js/shell.js) shows the legend of the visible layers and keeps
position and visible layers in the URL hash (`#map=z/lat/lon&layers=a,b`). The rendered
map is cached by its layers' revisions and remembered per process and language.
"""

import hashlib
from collections.abc import Callable
from typing import Any

from branca.element import MacroElement
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from jinja2 import Template

from rgis.changes import map_data_changed_listen
from rgis.maps.basemap import control_labels, map_with_basemap
from rgis.maps.layers import MapLayer, layer_groups, registered_layers
from rgis.maps.render import RenderedMap, map_render
from rgis.memo import ProcessMemo


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

    def __init__(
        self,
        layers: list[dict[str, Any]],
        groups: list[dict[str, Any]],
        basemap_name: str | None,
        labels: dict[str, str],
    ) -> None:
        super().__init__()
        self._name = "ShellControls"
        self.layers = layers
        self.groups = groups
        self.basemap_name = basemap_name
        self.labels = labels


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
    fmap, basemap_name = map_with_basemap()

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
    groups = layer_groups(layers)
    labels = {
        "layers": str(_("Layers")),
        "legend": str(_("Legend")),
        "empty_group": str(_("Nothing published yet")),
        "no_legend": str(_("Turn on a layer to see its legend")),
        **control_labels(),
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

    return map_render(fmap)
