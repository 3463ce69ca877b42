import json

from django.contrib.gis.db.models.functions import AsGeoJSON, PointOnSurface, Transform
from django.db.models import Count, F, FloatField, Func, Max, Q, QuerySet

from geodata.models import District


class GeographyAreaHa(Func):
    """Area in hectares on the ellipsoid, whatever the storage SRID."""

    template = "ST_Area(ST_Transform(%(expressions)s, 4326)::geography) / 10000.0"
    output_field = FloatField()


def district_list() -> QuerySet[District]:
    """Districts with their area in hectares and a point inside each (WGS 84)."""
    return District.objects.annotate(
        area_ha=GeographyAreaHa(F("geometry")),
        centre=PointOnSurface(Transform("geometry", 4326)),
    )


def district_search(query: str) -> list[District]:
    """Districts whose name in any language contains the query."""
    return list(
        district_list().filter(
            Q(name_kk__icontains=query) | Q(name_ru__icontains=query) | Q(name_en__icontains=query)
        )
    )


def district_revision() -> str:
    """Changes whenever a district is added, changed or removed."""
    summary = District.objects.aggregate(count=Count("pk"), latest=Max("updated_at"))
    return f"{summary['count']}:{summary['latest']}"


def district_geojson() -> dict:
    """Districts as a GeoJSON FeatureCollection in WGS 84, names in the active language."""
    features = []
    # Five decimals of a degree are about a metre: plenty for a boundary on a city map.
    rows = District.objects.annotate(wgs84=AsGeoJSON(Transform("geometry", 4326), precision=5))
    for district in rows:
        features.append(
            {
                "type": "Feature",
                "id": district.slug,
                "properties": {"slug": district.slug, "name": district.name},
                "geometry": json.loads(district.wgs84),
            }
        )
    return {"type": "FeatureCollection", "features": features}
