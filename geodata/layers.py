"""The map layers geodata offers to the home map."""

import folium
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geodata.models import Layer, LayerVersion, Plan
from geodata.selectors import (
    district_geojson,
    district_revision,
    layer_public_id,
    published_layer_versions,
)
from geodata.tiles import tile_url_template
from rgis.maps.layers import (
    LegendEntry,
    MapLayer,
    VectorTileLayer,
    register_layer,
    register_layer_source,
)

DISTRICT_COLOUR = "#1f6f8b"
PLAN_LAYER_COLOUR = "#b5442b"


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
        # Boundaries only: clicks go through to the plan layers and the "what's here" panel.
        interactive=False,
    )


def _plan_map_layer(layer: Layer, version: LayerVersion) -> MapLayer:
    plan = layer.plan
    public_id = layer_public_id(layer)
    group_title = plan.name if not plan.is_draft else f"{plan.name} — {_('draft')}"
    colours = {str(value): colour for value, colour in (layer.style_colours or {}).items()}
    legend = tuple(LegendEntry(value, colour) for value, colour in colours.items()) or (
        LegendEntry(layer.name, PLAN_LAYER_COLOUR),
    )
    revision = f"{version.pk}:{plan.status}:{layer.style_attribute}:{sorted(colours.items())}"
    return MapLayer(
        key=public_id,
        title=layer.name,
        group=f"plan:{plan.slug}",
        group_title=group_title,
        draft=plan.is_draft,
        build=lambda: VectorTileLayer(
            public_id=public_id,
            url=tile_url_template(layer, version),
            minzoom=layer.min_zoom,
            maxzoom=layer.max_zoom,
            attribute=layer.style_attribute,
            colours=colours,
            colour=PLAN_LAYER_COLOUR,
        ),
        revision=lambda: revision,
        legend=legend,
        # The approved master plan's zoning is what residents ask about first.
        shown_by_default=plan.kind == Plan.Kind.MASTER_PLAN
        and not plan.is_draft
        and layer.kind == Layer.Kind.FUNCTIONAL_ZONES,
    )


def plan_map_layers() -> list[MapLayer]:
    """Every published layer, grouped by plan, drawn from its vector tiles."""
    return [_plan_map_layer(layer, version) for layer, version in published_layer_versions()]


def register_geodata_layers() -> None:
    register_layer_source(plan_map_layers)
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
