"""One feature of the layer checked and turned into the values of a parcel, or refused with
the reason a planner can act on."""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.utils.translation import gettext as _

from geodata.models import Feature
from parcels.cadastre import cadastral_number_is_valid, cadastral_number_normalise
from parcels.importing.mapping import ColumnMapping, category_of, text_normal
from parcels.models import LandPurpose, Parcel

MAX_AREA_HA = Decimal("999999.9999")  # Parcel.area_ha: 10 digits, 4 decimals
ADDRESS_MAX = 300


@dataclass
class Candidate:
    """A feature that passed its checks: the parcel it becomes."""

    row: int
    fid: int
    number: str
    values: dict[str, Any]
    area_computed: bool = False


class RowRefused(Exception):
    def __init__(self, reason: str, number: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.number = number


def attribute_text(attributes: dict[str, Any], column: str) -> str:
    """A column's value as text, spaces collapsed ("" for none); 12.0 reads as 12."""
    if not column:
        return ""
    value = attributes.get(column)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def _area(value: Any) -> Decimal | None:
    """Hectares from a file value (a number, or text with a decimal comma); None if empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = Decimal(text)
        if not number.is_finite():
            raise ValueError(text)
        return number.quantize(Decimal("0.0001"))
    except InvalidOperation:  # not a number, or too big to hold four decimals
        raise ValueError(text) from None


def _boundary(geometry: GEOSGeometry | None) -> tuple[MultiPolygon | None, str]:
    """The geometry as a multipolygon, or None and why not."""
    if geometry is None or geometry.empty:
        return None, _("The feature has no boundary.")
    if isinstance(geometry, Polygon):
        return MultiPolygon(geometry, srid=geometry.srid), ""
    if isinstance(geometry, MultiPolygon):
        return geometry, ""
    return None, _("The boundary is a %(type)s, not a polygon.") % {"type": geometry.geom_type}


def feature_candidate(
    feature: Feature,
    mapping: ColumnMapping,
    *,
    purpose: LandPurpose | None,
    purposes: dict[str, LandPurpose],
    categories: dict[str, str],
) -> Candidate:
    """One feature checked and turned into parcel values; raises RowRefused saying why not.

    The feature carries the annotations `valid` and `area_computed` (hectares).
    """
    attributes = feature.attributes or {}
    raw_number = attribute_text(attributes, mapping.cadastral_number)
    if not raw_number:
        raise RowRefused(_("The cadastral number is empty."))
    number = cadastral_number_normalise(attributes.get(mapping.cadastral_number))
    if not cadastral_number_is_valid(number):
        raise RowRefused(
            _("“%(number)s” is not a cadastral number of the form NN-NNN-NNN-NNN.")
            % {"number": raw_number}
        )
    geometry, why = _boundary(feature.geometry)
    if geometry is None:
        raise RowRefused(why, number)
    if not feature.valid:  # type: ignore[attr-defined]  # an annotation of the query
        raise RowRefused(_("The boundary is invalid and could not be repaired."), number)
    values: dict[str, Any] = {"geometry": geometry}

    try:
        area = _area(attributes.get(mapping.area_ha)) if mapping.area_ha else None
    except ValueError as error:
        raise RowRefused(
            _("The area “%(value)s” is not a number of hectares.") % {"value": error}, number
        ) from None
    area_computed = area is None
    if area is None:
        measured = feature.area_computed  # type: ignore[attr-defined]  # an annotation
        area = Decimal(str(measured or 0)).quantize(Decimal("0.0001"))
    if area <= 0 or area > MAX_AREA_HA:
        raise RowRefused(
            _("The area %(area)s ha is not possible for a parcel.") % {"area": area}, number
        )
    values["area_ha"] = area

    for name in ("address_kk", "address_ru", "purpose_text_kk", "purpose_text_ru"):
        column = getattr(mapping, name)
        if column:
            text = attribute_text(attributes, column)
            if len(text) > ADDRESS_MAX:
                raise RowRefused(
                    _("“%(column)s” is longer than %(max)s characters.")
                    % {"column": column, "max": ADDRESS_MAX},
                    number,
                )
            values[name] = text

    if mapping.category:
        category_text = attribute_text(attributes, mapping.category)
        category = (
            category_of(category_text, categories) if category_text else Parcel.Category.SETTLEMENTS
        )
        if category is None:
            raise RowRefused(
                _("Unknown land category “%(value)s”.") % {"value": category_text}, number
            )
        values["category"] = category

    parcel_purpose = purpose
    if mapping.purpose:
        purpose_text = attribute_text(attributes, mapping.purpose)
        parcel_purpose = (
            purposes.get(text_normal(purpose_text)) if purpose_text else None
        ) or purpose
        if parcel_purpose is None:
            raise RowRefused(
                _(
                    "The target purpose “%(value)s” matches no purpose: add it to the table "
                    "of values."
                )
                % {"value": purpose_text},
                number,
            )
    values["purpose"] = parcel_purpose
    return Candidate(
        row=feature.fid + 1,
        fid=feature.fid,
        number=number,
        values=values,
        area_computed=area_computed,
    )
