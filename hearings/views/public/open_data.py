"""A hearing's comments as open data: GeoJSON (WGS 84) and CSV (UTF-8 with a BOM, so that
spreadsheet programs read Cyrillic), each comment with its answer and dates, under its
pseudonym. Never a name, contact or IIN; a hidden comment without its text or place."""

import csv
import dataclasses
import datetime
import io

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from hearings.models import Hearing
from hearings.selectors.discussion import (
    OpenDataComment,
    hearing_comments_open_data,
    hearing_public_get,
)

PROPERTIES = [
    field.name for field in dataclasses.fields(OpenDataComment) if field.name != "geometry"
]
CSV_COLUMNS = [*PROPERTIES, "lat", "lon"]


def _hearing_or_404(key: str) -> Hearing:
    hearing = hearing_public_get(key)
    if hearing is None:
        raise Http404("No such hearing")
    return hearing


def _value(value: object) -> object:
    """Dates in the hearings' clock (Almaty), ISO 8601 with the offset."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value


def _properties(comment: OpenDataComment) -> dict[str, object]:
    return {name: _value(getattr(comment, name)) for name in PROPERTIES}


def _filename(hearing: Hearing, extension: str) -> str:
    return f'attachment; filename="hearing-{hearing.slug}-comments.{extension}"'


@require_GET
def comments_geojson_export(request: HttpRequest, key: str) -> JsonResponse:
    """Every comment as a GeoJSON feature (no geometry when it has no place or is hidden)."""
    hearing = _hearing_or_404(key)
    features = [
        {
            "type": "Feature",
            "id": comment.number,
            "geometry": comment.geometry,
            "properties": _properties(comment),
        }
        for comment in hearing_comments_open_data(hearing)
    ]
    response = JsonResponse(
        {"type": "FeatureCollection", "name": hearing.slug, "features": features},
        json_dumps_params={"ensure_ascii": False},
        content_type="application/geo+json",
    )
    response["Content-Disposition"] = _filename(hearing, "geojson")
    return response


def _point(comment: OpenDataComment) -> tuple[str, str]:
    """The place's representative point (lat, lon) as text; blank without a place."""
    geometry = comment.geometry
    if geometry is None:
        return "", ""
    if geometry["type"] == "Point":
        lon, lat = geometry["coordinates"][:2]
        return f"{lat:.6f}", f"{lon:.6f}"
    # A parcel or drawn shape: the middle of its first ring's corners is near enough for a
    # spreadsheet; the GeoJSON has the shape itself.
    coordinates = geometry["coordinates"]
    while isinstance(coordinates[0][0], list):
        coordinates = coordinates[0]
    lons = [point[0] for point in coordinates]
    lats = [point[1] for point in coordinates]
    return f"{(min(lats) + max(lats)) / 2:.6f}", f"{(min(lons) + max(lons)) / 2:.6f}"


@require_GET
def comments_csv_export(request: HttpRequest, key: str) -> HttpResponse:
    """Every comment as one CSV row, with the place as a point (lat, lon)."""
    hearing = _hearing_or_404(key)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for comment in hearing_comments_open_data(hearing):
        properties = _properties(comment)
        writer.writerow([*(properties[name] for name in PROPERTIES), *_point(comment)])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _filename(hearing, "csv")
    return response
