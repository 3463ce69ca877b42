"""The public JSON of the appeals and their layer on the home map.

- /api/appeals/nearby?lat=&lon=&category=  open appeals of the category within 250 m;
- /api/appeals/places?q=                    the offline address search (appeals.places);
- /api/appeals/map?bbox=w,s,e,n&zoom=z      GeoJSON of the appeals in view, clustered.

Clustering is done by PostgreSQL (ST_SnapToGrid on a grid of about 48 screen pixels at
the requested zoom) rather than by a browser library: a slow phone downloads a few dozen
clusters instead of every appeal of the city, and runs no clustering code (a vendored
Leaflet.markercluster would add ~40 kB of script and need all points first). From zoom
16 the appeals come one by one.
"""

import hashlib
import math
from pathlib import Path

import folium
from django.db import connection
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from jinja2 import Template

from appeals.models import Appeal, Category
from appeals.nearby import NEARBY_METRES, appeals_nearby
from appeals.places import place_search
from rgis.api import ApiError, api_view
from rgis.maps.layers import LegendEntry, MapLayer, register_layer

STATUS_COLOURS: dict[str, str] = {
    Appeal.Status.REGISTERED: "#1d4ed8",
    Appeal.Status.IN_PROGRESS: "#d97706",
    Appeal.Status.FORWARDED: "#7c3aed",
    Appeal.Status.ANSWERED: "#15803d",
    Appeal.Status.REJECTED: "#b91c1c",
    Appeal.Status.CLOSED: "#6b7280",
}
CLUSTER_UNTIL_ZOOM = 15
CLUSTER_PIXELS = 48
MAP_FEATURES_MAX = 3000
LAYER_KEY = "appeals"
_LAYER_JS = Path(__file__).parent / "static" / "appeals" / "js" / "map-layer.js"


def _float(request: HttpRequest, name: str) -> float:
    try:
        value = float(request.GET.get(name, ""))
    except ValueError:
        raise ApiError(_("Give %(name)s as a number in degrees.") % {"name": name}) from None
    if not math.isfinite(value):
        raise ApiError(_("Give %(name)s as a number in degrees.") % {"name": name})
    return value


def _category_name_column() -> str:
    language = (get_language() or "kk")[:2]
    return f"name_{language}" if language in ("kk", "ru", "en") else "name_kk"


@api_view()
def nearby_api(request: HttpRequest) -> dict:
    """Open appeals of a category within 250 m of a point: "is it one of these?"."""
    lat, lon = _float(request, "lat"), _float(request, "lon")
    category = Category.objects.filter(slug=request.GET.get("category", "")).first()
    if category is None:
        raise ApiError(_("Pick a category: give its code as category."))
    found = appeals_nearby(lat=lat, lon=lon, category=category)
    return {
        "radius_m": NEARBY_METRES,
        "appeals": [
            {
                "number": item.appeal.number,
                "status": item.appeal.status,
                "status_label": item.appeal.get_status_display(),
                "category": item.appeal.category.name,
                "received": item.appeal.received_at.date().isoformat(),
                "address": item.appeal.address,
                "description": item.description[:300],
                "metres": item.metres,
                "url": reverse("appeals:detail", args=[item.appeal.number]),
                "follow_url": reverse("appeals:follow", args=[item.appeal.number]),
            }
            for item in found
        ],
    }


@api_view()
def places_api(request: HttpRequest) -> dict:
    """Places whose address or name holds the query (parcels, districts): no geocoder."""
    return {"places": [place.as_json() for place in place_search(request.GET.get("q", ""))]}


def _bbox(request: HttpRequest) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(part) for part in request.GET.get("bbox", "").split(","))
    except ValueError:
        raise ApiError(_("Give bbox as west,south,east,north in degrees.")) from None
    if not all(map(math.isfinite, (west, south, east, north))) or not (
        -180 <= west < east <= 180 and -90 <= south < north <= 90
    ):
        raise ApiError(_("Give bbox as west,south,east,north in degrees."))
    return west, south, east, north


def _zoom(request: HttpRequest) -> int:
    try:
        zoom = int(request.GET.get("zoom", ""))
    except ValueError:
        raise ApiError(_("Give zoom as a whole number from 0 to 22.")) from None
    if not 0 <= zoom <= 22:
        raise ApiError(_("Give zoom as a whole number from 0 to 22."))
    return zoom


def appeals_map_features(bbox: tuple[float, float, float, float], zoom: int) -> list[dict]:
    """GeoJSON features in the box: single appeals, or clusters with counts by status."""
    statuses = list(Appeal.Status.values)
    name = _category_name_column()  # from a fixed list: safe to write into the SQL
    params: dict = dict(zip(("west", "south", "east", "north"), bbox, strict=True))
    params["limit"] = MAP_FEATURES_MAX
    if zoom > CLUSTER_UNTIL_ZOOM:
        sql = f"""
            SELECT 1, ST_Y(a.location), ST_X(a.location), a.number, a.status,
                   COALESCE(NULLIF(c.{name}, ''), c.name_kk)
            FROM appeals_appeal a JOIN appeals_category c ON c.id = a.category_id
            WHERE a.location && ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326)
            ORDER BY a.received_at DESC LIMIT %(limit)s
        """  # noqa: S608 (only the language's column name, from a fixed list, is written in)
    else:
        params["cell"] = 360 / 2**zoom / 256 * CLUSTER_PIXELS
        counts = ", ".join(
            f"count(*) FILTER (WHERE a.status = %(status_{i})s)" for i in range(len(statuses))
        )
        params.update({f"status_{i}": status for i, status in enumerate(statuses)})
        sql = f"""
            SELECT count(*), ST_Y(ST_Centroid(ST_Collect(a.location))),
                   ST_X(ST_Centroid(ST_Collect(a.location))), min(a.number), min(a.status),
                   min(COALESCE(NULLIF(c.{name}, ''), c.name_kk)), {counts}
            FROM appeals_appeal a JOIN appeals_category c ON c.id = a.category_id
            WHERE a.location && ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326)
            GROUP BY ST_SnapToGrid(a.location, %(cell)s)
            LIMIT %(limit)s
        """  # noqa: S608 (a column name from a fixed list; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    labels = dict(Appeal.Status.choices)
    features = []
    for count, lat, lon, number, status, category, *by_status in rows:
        point = {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}
        if count == 1:
            properties = {
                "number": number,
                "status": status,
                "status_label": str(labels[status]),
                "category": category,
                "url": reverse("appeals:detail", args=[number]),
            }
        else:
            tally = {s: n for s, n in zip(statuses, by_status, strict=True) if n}
            properties = {
                "count": count,
                "status": max(tally, key=lambda s: tally[s]),
                "statuses": tally,
            }
        features.append({"type": "Feature", "geometry": point, "properties": properties})
    return features


@api_view()
def map_api(request: HttpRequest) -> dict:
    """The appeals in a box as GeoJSON, clustered on the server below zoom 16."""
    features = appeals_map_features(_bbox(request), _zoom(request))
    return {"type": "FeatureCollection", "features": features}


# ------------------------------------------------------------------------ the home map layer


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
