""" "Is it one of these?": open appeals of the same category near a pin, before filing.

The filer may follow one of them (appeals.services.appeal_follow) instead of filing a
duplicate; the department then answers once and everyone who cares hears of it.
"""

import math
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point, Polygon
from django.contrib.gis.measure import D

from appeals.models import Appeal, Category

NEARBY_METRES = 250
NEARBY_MAX = 10
_METRES_PER_DEGREE = 111_320


@dataclass(frozen=True)
class NearbyAppeal:
    """What the suggestion shows of an open appeal: public fields only."""

    appeal: Appeal
    metres: int

    @property
    def description(self) -> str:
        """The text as the public sees it: empty when a moderator hid it."""
        return "" if self.appeal.description_hidden else self.appeal.description


def _envelope(point: Point, metres: float) -> Polygon:
    # A box a little larger than the circle: lets PostgreSQL use the spatial index
    # before the exact (spheroid) distance is computed for the few rows inside it.
    dlat = metres / _METRES_PER_DEGREE * 1.05
    dlon = dlat / max(math.cos(math.radians(point.y)), 0.01)
    box = Polygon.from_bbox((point.x - dlon, point.y - dlat, point.x + dlon, point.y + dlat))
    box.srid = 4326
    return box


def appeals_nearby(
    *, lat: float, lon: float, category: Category, metres: int = NEARBY_METRES
) -> list[NearbyAppeal]:
    """Open (registered or in progress) appeals of the category within `metres`, nearest first."""
    point = Point(lon, lat, srid=4326)
    rows = (
        Appeal.objects.filter(
            category=category,
            status__in=Appeal.OPEN_STATUSES,
            location__bboverlaps=_envelope(point, metres),
            location__distance_lte=(point, D(m=metres)),
        )
        .select_related("category", "department")
        .annotate(distance=Distance("location", point))
        .only(
            "number",
            "status",
            "received_at",
            "address",
            "description",
            "description_hidden",
            "location",
            "category__slug",
            "category__name_kk",
            "category__name_ru",
            "category__name_en",
            "department__slug",
            "department__name_kk",
            "department__name_ru",
            "department__name_en",
        )
        .order_by("distance", "received_at")[:NEARBY_MAX]
    )
    return [NearbyAppeal(row, round(row.distance.m)) for row in rows]
