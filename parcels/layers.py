"""The registry's two map layers, free parcels and parcels being allocated now: their vector
tiles, and their place on the home map.

The tiles are cut by geodata's tile machinery (geodata.tiles) straight from parcels_parcel,
filtered by status; this module supplies what is the layers' own: the properties and the
filter of the statement, the cache key and the revision. The home map asks with
`?v=<revision>&lang=<language>`: the revision changes whenever a parcel does (and daily),
so such a tile is cached here and by the proxy. A tile asked without it, or with any other
revision than the current one (a page loaded before a change, or an attacker's random
values, each of which would otherwise be a new cache entry pushing good tiles out), is made
and sent but not cached. Property names and status labels are in the language ?lang=
names, for the popups.
"""

import hashlib

from django.conf import settings
from django.db import router
from django.http import HttpResponse
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from geodata.tiles import MAX_ZOOM, tile_params, tile_render, tile_response, tile_sql
from parcels.models import Parcel
from parcels.selectors import RECENT_ALLOCATION_DAYS, parcels_revision, parcels_revision_memoised
from rgis.maps.layers import LegendEntry, MapLayer, VectorTileLayer, register_layer

MIN_ZOOM = 12  # city-wide: there are hundreds of such plots, not hundreds of thousands
# Tiles carry their own zoom levels up to here; the map overzooms beyond.
NATIVE_MAX_ZOOM = 17
UNVERSIONED_MAX_AGE = 60

STATUS_COLOURS: dict[str, str] = {
    Parcel.Status.FREE: "#2e7d32",
    Parcel.Status.RESERVED: "#d97706",
    Parcel.Status.ALLOCATED: "#7c3aed",
    Parcel.Status.OCCUPIED: "#6b7280",
}

# Which parcels each layer shows (as parcels.selectors.map_layer_condition, in SQL).
_CONDITIONS = {
    "free": "p.status = 'free'",
    "allocating": (
        "(p.status = 'reserved' OR (p.status = 'allocated' AND p.status_changed_at >= "
        "now() - make_interval(days => %(recent_days)s)))"
    ),
}

# The feature id is the parcel's; the properties are named in the visitor's language.
_TILE_COLUMNS = """p.id,
           jsonb_build_object(
               %(k_number)s, p.cadastral_number,
               %(k_address)s, CASE WHEN %(kazakh)s
                   THEN coalesce(nullif(p.address_kk, ''), p.address_ru)
                   ELSE coalesce(nullif(p.address_ru, ''), p.address_kk) END,
               %(k_area)s, p.area_ha,
               %(k_status)s, CASE p.status
                   WHEN 'free' THEN %(free)s WHEN 'reserved' THEN %(reserved)s
                   WHEN 'allocated' THEN %(allocated)s ELSE %(occupied)s END
           ) AS properties"""

TILE_SQL = {
    layer: tile_sql(
        source="parcels_parcel p",
        geometry="p.geometry",
        columns=_TILE_COLUMNS,
        condition=condition,
        feature_id="id",
    )
    for layer, condition in _CONDITIONS.items()
}


def layer_public_id(layer: str) -> str:
    """The id of the map layer (and of the layer inside its tiles)."""
    return f"parcels-{layer}"


def status_property() -> str:
    """The tile property the map colours by, in the active language."""
    return gettext("Status")


def parcels_tile_render(layer: str, z: int, x: int, y: int) -> bytes:
    """The MVT bytes of one tile of a parcels map layer, in the active language."""
    labels = dict(Parcel.Status.choices)
    params = {
        **tile_params(layer_public_id(layer), z, x, y),
        "recent_days": RECENT_ALLOCATION_DAYS,
        "kazakh": (translation.get_language() or "kk")[:2] == "kk",
        "k_number": gettext("Cadastral number"),
        "k_address": gettext("Address"),
        "k_area": gettext("Area, ha"),
        "k_status": status_property(),
        **{status: str(labels[status]) for status in Parcel.Status.values},
    }
    return tile_render(router.db_for_read(Parcel), TILE_SQL[layer], params)


def _tile_cache_key(layer: str, language: str, revision: str, z: int, x: int, y: int) -> str:
    # "-gz": the value is the gzip-compressed tile (b"" for an empty one).
    digest = hashlib.sha256(f"{layer}|{language}|{revision}".encode()).hexdigest()[:32]
    return f"parcels-tile-gz:{digest}:{z}:{x}:{y}"


def parcels_tile_response(
    layer: str, tile: tuple[int, int, int], *, language: str, revision: str, accept_encoding: str
) -> HttpResponse:
    """The answer for an existing tile of a map layer (one of MAP_LAYERS); TileTooSlow.

    `revision` is the one the URL asks for (?v=): only the current one is cached, any
    other is served as if none was given.
    """
    z, x, y = tile
    current = revision if revision and revision == parcels_revision_memoised() else ""

    def render() -> bytes:
        with translation.override(language):
            return parcels_tile_render(layer, z, x, y)

    return tile_response(
        render if z >= MIN_ZOOM else None,
        cache_key=_tile_cache_key(layer, language, current, z, x, y) if current else "",
        etag="",
        max_age=settings.RGIS_TILE_MAX_AGE if current else UNVERSIONED_MAX_AGE,
        if_none_match="",
        accept_encoding=accept_encoding,
    )


def tile_url_template(layer: str, revision: str, language: str) -> str:
    return f"/tiles/parcels/{layer}/{{z}}/{{x}}/{{y}}.mvt?v={revision}&lang={language}"


# --- On the home map ---


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
