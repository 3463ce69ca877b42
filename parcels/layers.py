"""The parcel layers offered to the home map: free parcels, parcels being allocated now."""

from django.utils.functional import lazy
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from parcels.models import Parcel
from parcels.selectors import RECENT_ALLOCATION_DAYS, parcels_revision
from parcels.tiles import MAX_ZOOM, MIN_ZOOM, layer_public_id, status_property, tile_url_template
from rgis.maps.layers import LegendEntry, MapLayer, VectorTileLayer, register_layer

STATUS_COLOURS: dict[str, str] = {
    Parcel.Status.FREE: "#2e7d32",
    Parcel.Status.RESERVED: "#d97706",
    Parcel.Status.ALLOCATED: "#7c3aed",
    Parcel.Status.OCCUPIED: "#6b7280",
}
# Tiles carry their own zoom levels up to here; the map overzooms beyond.
NATIVE_MAX_ZOOM = 17


def _status_colours(statuses: list[str]) -> dict[str, str]:
    """Colours keyed by the status label the tiles carry (in the active language)."""
    labels = dict(Parcel.Status.choices)
    return {str(labels[status]): STATUS_COLOURS[status] for status in statuses}


def _tile_layer(layer: str, statuses: list[str]) -> VectorTileLayer:
    return VectorTileLayer(
        public_id=layer_public_id(layer),
        url=tile_url_template(layer, parcels_revision(), (get_language() or "kk")[:2]),
        minzoom=MIN_ZOOM,
        maxzoom=min(NATIVE_MAX_ZOOM, MAX_ZOOM),
        attribute=status_property(),
        colours=_status_colours(statuses),
        colour=STATUS_COLOURS[statuses[0]],
    )


def _recently_allocated() -> str:
    return gettext("allocated in the last %(days)s days") % {"days": RECENT_ALLOCATION_DAYS}


# Lazy: the label is read in each visitor's language, not once at start-up.
recently_allocated_label = lazy(_recently_allocated, str)


def register_parcel_layers() -> None:
    register_layer(
        MapLayer(
            key=layer_public_id("free"),
            title=_("Free parcels"),
            group="parcels",
            build=lambda: _tile_layer("free", [Parcel.Status.FREE]),
            revision=parcels_revision,
            legend=(LegendEntry(_("free parcel"), STATUS_COLOURS[Parcel.Status.FREE]),),
        )
    )
    register_layer(
        MapLayer(
            key=layer_public_id("allocating"),
            title=_("Plots being allocated now"),
            group="queues",
            build=lambda: _tile_layer(
                "allocating", [Parcel.Status.RESERVED, Parcel.Status.ALLOCATED]
            ),
            revision=parcels_revision,
            legend=(
                LegendEntry(_("reserved for allocation"), STATUS_COLOURS[Parcel.Status.RESERVED]),
                LegendEntry(recently_allocated_label(), STATUS_COLOURS[Parcel.Status.ALLOCATED]),
            ),
        )
    )
