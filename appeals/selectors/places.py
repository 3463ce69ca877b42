"""Where an appeal is: an address search over what the portal itself knows (offline).

No external geocoder: the parcel registry's addresses (Kazakh and Russian) and the city
districts' names. A parcel gives a point on its surface; a district its inner point, a
coarse pin the filer can move (the address they typed is kept with the appeal).
"""

from dataclasses import dataclass

from django.contrib.gis.db.models.functions import PointOnSurface, Transform
from django.db.models import Q
from django.utils.translation import get_language

from geodata.models import District
from parcels.models import Parcel

PLACES_MAX = 8
QUERY_MIN = 3


@dataclass(frozen=True)
class Place:
    """A place the search found: what to show and where to put the pin (WGS 84)."""

    label: str
    lat: float
    lon: float
    kind: str  # "parcel" or "district"

    def as_json(self) -> dict[str, str | float]:
        return {"label": self.label, "lat": self.lat, "lon": self.lon, "kind": self.kind}


def _parcel_label(address_kk: str, address_ru: str) -> str:
    if (get_language() or "kk")[:2] == "kk":
        return address_kk or address_ru
    return address_ru or address_kk


def _query_text(query: str) -> str:
    return " ".join(query.split())[:200]


def _address_holds(text: str) -> Q:
    """The parcel's address, in Kazakh or in Russian, holds the text."""
    return Q(address_kk__icontains=text) | Q(address_ru__icontains=text)


def _point_inside() -> Transform:
    """A point on the surface of the geometry, in WGS 84."""
    return Transform(PointOnSurface("geometry"), 4326)


def place_search(query: str, *, limit: int = PLACES_MAX) -> list[Place]:
    """Parcels whose address contains the query (one per address), then districts by name."""
    text = _query_text(query)
    if len(text) < QUERY_MIN:
        return []
    places: list[Place] = []
    seen: set[str] = set()
    parcels = (
        Parcel.objects.filter(_address_holds(text))
        .annotate(inside=_point_inside())
        .values_list("address_kk", "address_ru", "inside")
        .order_by("address_ru", "address_kk")[: limit * 3]
    )
    for address_kk, address_ru, inside in parcels:
        label = _parcel_label(address_kk, address_ru)
        if label in seen or inside is None:
            continue
        seen.add(label)
        places.append(Place(label, round(inside.y, 6), round(inside.x, 6), "parcel"))
        if len(places) >= limit:
            return places
    districts = (
        District.objects.filter(
            Q(name_kk__icontains=text) | Q(name_ru__icontains=text) | Q(name_en__icontains=text)
        )
        .annotate(inside=_point_inside())
        .order_by("slug")[: limit - len(places)]
    )
    for district in districts:
        point = district.inside
        places.append(Place(district.name, round(point.y, 6), round(point.x, 6), "district"))
    return places


def district_places() -> list[Place]:
    """Every district as a coarse place: the fallback when an address is not found."""
    districts = District.objects.annotate(inside=_point_inside()).order_by("slug")
    return [
        Place(d.name, round(d.inside.y, 6), round(d.inside.x, 6), "district") for d in districts
    ]


def address_point(address: str) -> tuple[float, float] | None:
    """(lat, lon) on the first parcel whose address holds the text; None if none does.

    The portal has no street geocoder: the parcel registry's addresses stand in for one.
    """
    text = _query_text(address)
    if len(text) < QUERY_MIN:
        return None
    point = (
        Parcel.objects.filter(_address_holds(text))
        .annotate(inside=_point_inside())
        .order_by("cadastral_number")
        .values_list("inside", flat=True)
        .first()
    )
    return None if point is None else (point.y, point.x)
