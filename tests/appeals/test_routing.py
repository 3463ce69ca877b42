"""Routing by the area of the pin: departments' areas are a published geodata layer."""

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.utils import timezone

from appeals.models import Category, Department
from appeals.services.filing import Applicant, appeal_file
from geodata.models import Feature, Layer, LayerVersion, Plan

pytestmark = pytest.mark.django_db

PERSON = Applicant(full_name="Сейткали Айгерим", iin="061211600012", phone="+77011234567")
WEST = (71.30, 42.85, 71.37, 42.95)
EAST = (71.37, 42.85, 71.44, 42.95)


@pytest.fixture
def areas(settings):
    """A published layer with two areas; the east one belongs to a district office."""
    plan = Plan.objects.create(
        slug="departments", kind="detailed_plan", name_kk="Бөлімдер", name_ru="Отделы"
    )
    layer = Layer.objects.create(plan=plan, slug="areas", name_kk="Аймақтар", name_ru="Зоны")
    version = LayerVersion.objects.create(
        layer=layer, number=1, is_current=True, source_filename="areas.gpkg",
        source_format="gpkg", source_crs="EPSG:4326", published_at=timezone.now(),
    )  # fmt: skip
    for fid, (box, code) in enumerate([(WEST, "housing"), (EAST, "east-office")], start=1):
        Feature.objects.create(
            version=version,
            fid=fid,
            attributes={"department": code},
            geometry=MultiPolygon(Polygon.from_bbox(box), srid=4326),
        )
    Department.objects.create(slug="east-office", name_kk="Шығыс", name_ru="Восточный отдел")
    settings.RGIS_APPEALS_AREAS_LAYER = "departments.areas"
    settings.RGIS_APPEALS_AREAS_ATTRIBUTE = "department"
    lighting = Category.objects.get(slug="lighting")
    lighting.routed_by_area = True
    lighting.save()
    return lighting


def test_an_appeal_goes_to_the_department_whose_area_holds_the_pin(areas):
    east, _ = appeal_file(
        category=areas, lat=42.9, lon=71.40, description="Не горит фонарь", applicant=PERSON
    )
    west, _ = appeal_file(
        category=areas, lat=42.9, lon=71.33, description="Не горит фонарь", applicant=PERSON
    )
    assert east.department.slug == "east-office"
    assert west.department.slug == "housing"


def test_categories_not_routed_by_area_keep_their_own_department(areas):
    roads, _ = appeal_file(
        category=Category.objects.get(slug="roads"),
        lat=42.9,
        lon=71.40,
        description="Яма на дороге",
        applicant=PERSON,
    )
    assert roads.department.slug == "roads"


def test_a_pin_outside_every_area_goes_to_the_category_department(areas):
    outside, _ = appeal_file(
        category=areas, lat=42.99, lon=71.40, description="Не горит фонарь", applicant=PERSON
    )
    assert outside.department.slug == "housing"
