"""Every write of the geodata app."""

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.core.exceptions import ValidationError
from django.db import transaction

from geodata.models import District, Layer, Plan
from rgis.errors import refusal_from
from rgis.mapshell import home_map_forget
from staff.services import audit_record, audit_snapshot


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
        home_map_forget()
    return district, created


# Dense layers are drawn from street level only; zoning is readable city-wide.
LAYER_MIN_ZOOM: dict[str, int] = {
    Layer.Kind.PARCELS.value: 14,
    Layer.Kind.BUILDINGS.value: 14,
    Layer.Kind.FUNCTIONAL_ZONES.value: 10,
}


def layer_style_set(
    *, layer: Layer, attribute: str, colours: dict[str, str], actor: User | None = None
) -> Layer:
    """Colour the layer's features on the map by an attribute (value -> #rrggbb)."""
    before = audit_snapshot(layer)
    layer.style_attribute = attribute
    layer.style_colours = colours
    with transaction.atomic():
        layer.full_clean()
        layer.save(update_fields=["style_attribute", "style_colours"])
        audit_record(
            actor=actor,
            action="layer.style",
            instance=layer,
            before=before,
            after=audit_snapshot(layer),
        )
        home_map_forget()
    return layer


def plan_get_or_create(
    *,
    slug: str,
    kind: str = Plan.Kind.DETAILED_PLAN,
    name_kk: str = "",
    name_ru: str = "",
    actor: User | None = None,
) -> tuple[Plan, bool]:
    """The plan with this code, created as a draft if it does not exist yet."""
    with transaction.atomic():
        plan = Plan.objects.filter(slug=slug).first()
        if plan is not None:
            return plan, False
        plan = Plan(slug=slug, kind=kind, name_kk=name_kk or slug, name_ru=name_ru or slug)
        try:
            plan.full_clean()
        except ValidationError as error:
            raise refusal_from(error) from None
        plan.save()
        audit_record(actor=actor, action="plan.create", instance=plan, after=audit_snapshot(plan))
    return plan, True


def layer_get_or_create(
    *,
    plan: Plan,
    slug: str,
    kind: str = Layer.Kind.OTHER,
    name_kk: str = "",
    name_ru: str = "",
    actor: User | None = None,
) -> tuple[Layer, bool]:
    """The plan's layer with this code, created if it does not exist yet."""
    with transaction.atomic():
        layer = Layer.objects.filter(plan=plan, slug=slug).first()
        if layer is not None:
            return layer, False
        layer = Layer(
            plan=plan,
            slug=slug,
            kind=kind,
            name_kk=name_kk or slug,
            name_ru=name_ru or slug,
            min_zoom=LAYER_MIN_ZOOM.get(kind, 12),
        )
        try:
            layer.full_clean()
        except ValidationError as error:
            raise refusal_from(error) from None
        layer.save()
        audit_record(
            actor=actor, action="layer.create", instance=layer, after=audit_snapshot(layer)
        )
    return layer, True
