"""Every write of the geodata app."""

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.db import transaction

from geodata.models import District


def district_upsert(
    *, slug: str, name_kk: str, name_ru: str, name_en: str, geometry: GEOSGeometry, source: str
) -> tuple[District, bool]:
    """Create or update a district by its code; returns it and whether it was created."""
    boundary = (
        MultiPolygon(geometry, srid=geometry.srid) if isinstance(geometry, Polygon) else geometry
    )
    if boundary.srid != settings.RGIS_STORAGE_SRID:
        boundary = boundary.transform(settings.RGIS_STORAGE_SRID, clone=True)
    with transaction.atomic():
        district = District.objects.filter(slug=slug).first() or District(slug=slug)
        created = district.pk is None
        district.name_kk, district.name_ru, district.name_en = name_kk, name_ru, name_en
        district.geometry = boundary  # type: ignore[assignment]
        district.source = source
        district.full_clean()
        district.save()
    return district, created
