"""The appeals in a box on the map: single appeals, or clusters with counts by status.

Clustering is done by PostgreSQL (ST_SnapToGrid on a grid of about 48 screen pixels at
the requested zoom) rather than by a browser library: a slow phone downloads a few dozen
clusters instead of every appeal of the city, and runs no clustering code (a vendored
Leaflet.markercluster would add ~40 kB of script and need all points first). From zoom
16 the appeals come one by one.
"""

from typing import Any

from django.db import connection
from django.urls import reverse
from django.utils.translation import get_language

from appeals.models import Appeal
from rgis.geojson import Bounds

CLUSTER_UNTIL_ZOOM = 15
CLUSTER_PIXELS = 48
MAP_FEATURES_MAX = 3000


def _category_name_column() -> str:
    language = (get_language() or "kk")[:2]
    return f"name_{language}" if language in ("kk", "ru", "en") else "name_kk"


def appeals_map_features(bbox: Bounds, zoom: int) -> list[dict[str, Any]]:
    """GeoJSON features in the box: single appeals, or clusters with counts by status."""
    statuses = list(Appeal.Status.values)
    name = _category_name_column()  # from a fixed list: safe to write into the SQL
    params: dict[str, Any] = dict(zip(("west", "south", "east", "north"), bbox, strict=True))
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
        properties: dict[str, Any]
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
