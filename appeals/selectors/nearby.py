""" "Is it one of these?": open appeals of the same category near a pin, before filing.

The filer may follow one of them (appeals.services.following.appeal_follow) instead of filing a
duplicate; the department then answers once and everyone who cares hears of it.
"""

import math
from dataclasses import dataclass

from django.db import connections, router

from appeals.models import Appeal, Category

NEARBY_METRES = 250
NEARBY_MAX = 10
_METRES_PER_DEGREE = 111_320
# The public fields the suggestion shows (the applicant's are never selected), in the
# model's order as Model.from_db takes them.
NEARBY_FIELDS = tuple(
    field.attname
    for field in Appeal._meta.concrete_fields
    if field.attname
    in {"id", "number", "status", "received_at", "address", "description", "description_hidden"}
)
# Written out rather than built by the ORM: composing the GIS lookups and annotations cost
# about 2 ms of Python per filing, eight times the query itself. The box (a little larger
# than the circle) lets PostgreSQL use the spatial index before the distance is computed
# for the few rows inside it.
NEARBY_SQL = f"""
SELECT {", ".join(NEARBY_FIELDS)}, ST_DistanceSphere(location, pin.point) AS metres
FROM appeals_appeal,
     (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS point) AS pin
WHERE category_id = %(category)s
  AND status = ANY(%(statuses)s)
  AND location && ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326)
  AND ST_DistanceSphere(location, pin.point) <= %(metres)s
ORDER BY metres, received_at
LIMIT %(limit)s
"""  # noqa: S608 (the column names are the constant above)


@dataclass(frozen=True)
class NearbyAppeal:
    """What the suggestion shows of an open appeal: public fields only."""

    appeal: Appeal
    metres: int

    @property
    def description(self) -> str:
        """The text as the public sees it: empty when a moderator hid it."""
        return "" if self.appeal.description_hidden else self.appeal.description


def _envelope(lat: float, lon: float, metres: float) -> dict[str, float]:
    dlat = metres / _METRES_PER_DEGREE * 1.05
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    return {"west": lon - dlon, "south": lat - dlat, "east": lon + dlon, "north": lat + dlat}


def appeals_nearby(
    *, lat: float, lon: float, category: Category, metres: int = NEARBY_METRES
) -> list[NearbyAppeal]:
    """Open (registered or in progress) appeals of the category within `metres`, nearest first."""
    alias = router.db_for_read(Appeal)  # a replica, where there are any
    with connections[alias].cursor() as cursor:
        cursor.execute(
            NEARBY_SQL,
            {
                "lat": lat,
                "lon": lon,
                "category": category.pk,
                "statuses": [str(status) for status in Appeal.OPEN_STATUSES],
                "metres": metres,
                "limit": NEARBY_MAX,
                **_envelope(lat, lon, metres),
            },
        )
        rows = cursor.fetchall()
    found = []
    for *values, distance in rows:
        appeal = Appeal.from_db(alias, NEARBY_FIELDS, values)
        appeal.category = category
        found.append(NearbyAppeal(appeal, round(distance)))
    return found
