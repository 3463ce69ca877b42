"""The map layers geodata offers to the home map."""

import folium
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geodata.selectors import district_geojson, district_revision
from rgis.mapshell import LegendEntry, MapLayer, register_layer

DISTRICT_COLOUR = "#1f6f8b"


def district_layer_build() -> folium.GeoJson:
    collection = district_geojson()
    return folium.GeoJson(
        collection,
        name=_("City districts"),
        style_function=lambda feature: {
            "color": DISTRICT_COLOUR,
            "weight": 2,
            "fillOpacity": 0.05,
        },
        # folium refuses a tooltip field that no feature has: an empty database has none.
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False)
        if collection["features"]
        else None,
        highlight_function=lambda feature: {"weight": 4},
    )


def register_geodata_layers() -> None:
    register_layer(
        MapLayer(
            key="districts",
            title=gettext_lazy("City districts"),
            group="reference",
            build=district_layer_build,
            revision=district_revision,
            legend=(LegendEntry(gettext_lazy("City district boundary"), DISTRICT_COLOUR),),
            shown_by_default=True,
        )
    )
