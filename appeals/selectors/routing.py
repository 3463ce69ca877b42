"""Which department answers an appeal: its category's, or the one whose area holds the pin.

Departments' areas are a geodata layer (published like any plan layer); its features carry
the department's code in an attribute. Both are settings: RGIS_APPEALS_AREAS_LAYER
("<plan>.<layer>", empty: no routing by area) and RGIS_APPEALS_AREAS_ATTRIBUTE.
"""

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection

from appeals.models import Category, Department

AREA_SQL = """
SELECT feature.attributes ->> %(attribute)s
FROM geodata_feature feature
JOIN geodata_layerversion version ON version.id = feature.version_id AND version.is_current
JOIN geodata_layer layer ON layer.id = version.layer_id
JOIN geodata_plan plan ON plan.id = layer.plan_id
WHERE plan.slug = %(plan)s AND layer.slug = %(layer)s AND plan.status <> 'archived'
  AND feature.geometry && ST_Transform(ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326), %(srid)s)
  AND ST_Intersects(
      feature.geometry, ST_Transform(ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326), %(srid)s))
ORDER BY feature.fid
LIMIT 1
"""


def area_department_code(location: Point) -> str | None:
    """The department code of the area holding the point, if areas are configured."""
    public_id = settings.RGIS_APPEALS_AREAS_LAYER
    if not public_id or "." not in public_id:
        return None
    plan, _dot, layer = public_id.partition(".")
    with connection.cursor() as cursor:
        cursor.execute(
            AREA_SQL,
            {
                "attribute": settings.RGIS_APPEALS_AREAS_ATTRIBUTE,
                "plan": plan,
                "layer": layer,
                "lon": location.x,
                "lat": location.y,
                "srid": settings.RGIS_STORAGE_SRID,
            },
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] else None


def department_for(category: Category, location: Point) -> Department:
    """The area's department where the category is routed by area and one is found."""
    if category.routed_by_area:
        code = area_department_code(location)
        if code:
            department = Department.objects.filter(slug=code, is_active=True).first()
            if department is not None:
                return department
    return category.department
