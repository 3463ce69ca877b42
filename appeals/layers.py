"""The appeals layer of the home map (rgis.maps.layers): the appeals by status, asked for by
the browser from /api/appeals/map as the map moves."""

import hashlib
from pathlib import Path

import folium
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _lazy
from jinja2 import Template

from appeals.models import Appeal
from rgis.maps.layers import LegendEntry, MapLayer, register_layer

STATUS_COLOURS: dict[str, str] = {
    Appeal.Status.REGISTERED: "#1d4ed8",
    Appeal.Status.IN_PROGRESS: "#d97706",
    Appeal.Status.FORWARDED: "#7c3aed",
    Appeal.Status.ANSWERED: "#15803d",
    Appeal.Status.REJECTED: "#b91c1c",
    Appeal.Status.CLOSED: "#6b7280",
}
LAYER_KEY = "appeals"
_LAYER_JS = Path(__file__).parent / "static" / "appeals" / "js" / "map-layer.js"


class AppealsMapLayer(folium.map.Layer):
    """The appeals layer: asks /api/appeals/map for what is in view (map-layer.js, inlined
    into the cached map script so the home page needs no extra request)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this.code }}
            var {{ this.get_name() }} = rgisAppealsLayer({{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__(name=LAYER_KEY, overlay=True, control=False, show=False)
        self._name = "AppealsMapLayer"
        self.code = _LAYER_JS.read_text(encoding="utf-8")
        labels = dict(Appeal.Status.choices)
        self.options = {
            "url": "/api/appeals/map",
            "colours": STATUS_COLOURS,
            "statuses": {status: str(label) for status, label in labels.items()},
            "labels": {
                "appeals": gettext("Appeals"),  # "Appeals: 5", grammatical in every language
                "zoom_in": gettext("Zoom in to see them one by one"),
                "open": gettext("Open the appeal"),
                "error": gettext("The appeals could not be loaded. Move the map to try again."),
            },
        }


def _layer_revision() -> str:
    # The layer asks for its data itself: only its script and options change what is drawn.
    return hashlib.sha256(_LAYER_JS.read_bytes()).hexdigest()[:12]


def register_appeal_layers() -> None:
    """Put the appeals layer on the home map (from AppealsConfig.ready)."""
    register_layer(
        MapLayer(
            key=LAYER_KEY,
            title=_lazy("Citizen appeals by status"),
            group="appeals",
            build=AppealsMapLayer,
            revision=_layer_revision,
            legend=tuple(
                LegendEntry(label, STATUS_COLOURS[status])
                for status, label in Appeal.Status.choices
            ),
        )
    )
