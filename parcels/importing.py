"""The parcel import core: features of a layer version become registry parcels.

One core behind three doors (the `parcels_import` command, the planners' page, the demo):
a planner says which attribute holds the cadastral number, the addresses, the area, the
land category and the target purpose; each feature is checked, refused rows are reported
with their row and reason, and the accepted ones are written in one transaction. A parcel
already in the registry keeps its status: a re-import never frees an allocated plot.
Files come in through the geodata import core (encodings, CRS, repair) as a layer version
first (`parcels_import_from_file`).
"""

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.contrib.gis.db.models.functions import IsValid
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from geodata.importing.core import ImportOptions, layer_import
from geodata.models import Feature, Layer, LayerVersion, Plan
from geodata.selectors import GeographyAreaHa
from parcels.cadastre import cadastral_number_is_valid, cadastral_number_normalise
from parcels.errors import ParcelImportRefused
from parcels.models import LandPurpose, Parcel, Settlement
from rgis.changes import map_data_changed
from staff.services import audit_record

Actor = AbstractBaseUser | AnonymousUser | None

PREVIEW_ROWS = 20
WRITE_BATCH = 2000
MAX_AREA_HA = Decimal("999999.9999")  # Parcel.area_ha: 10 digits, 4 decimals
ADDRESS_MAX = 300

# Official names of the land categories (Land Code art. 1) as files write them, besides
# the codes and the portal's own labels.
CATEGORY_NAMES: dict[str, tuple[str, ...]] = {
    Parcel.Category.AGRICULTURAL: (
        "земли сельскохозяйственного назначения",
        "ауыл шаруашылығы мақсатындағы жерлер",
    ),
    Parcel.Category.SETTLEMENTS: ("земли населенных пунктов", "елді мекендердің жерлері"),
    Parcel.Category.INDUSTRY: ("земли промышленности", "өнеркәсіп"),
    Parcel.Category.PROTECTED: (
        "земли особо охраняемых природных территорий",
        "ерекше қорғалатын табиғи аумақтар",
    ),
    Parcel.Category.FOREST: ("земли лесного фонда", "орман қоры"),
    Parcel.Category.WATER: ("земли водного фонда", "су қоры"),
    Parcel.Category.RESERVE: ("земли запаса", "босалқы жерлер"),
}


@dataclass(frozen=True)
class ColumnMapping:
    """Which attribute of the features feeds which parcel field; "" means none."""

    cadastral_number: str
    address_kk: str = ""
    address_ru: str = ""
    area_ha: str = ""  # hectares; without a column the area is measured on the ellipsoid
    category: str = ""  # without a column every parcel is land of settlements
    purpose: str = ""  # without a column every parcel gets the purpose given to the import
    purpose_values: dict[str, str] = field(default_factory=dict)  # file value -> purpose code
    purpose_text_kk: str = ""
    purpose_text_ru: str = ""

    COLUMN_FIELDS = (
        "cadastral_number",
        "address_kk",
        "address_ru",
        "area_ha",
        "category",
        "purpose",
        "purpose_text_kk",
        "purpose_text_ru",
    )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ColumnMapping":
        values = {name: str(data.get(name) or "").strip() for name in cls.COLUMN_FIELDS}
        purpose_values = {
            str(key).strip(): str(code).strip()
            for key, code in (data.get("purpose_values") or {}).items()
        }
        return cls(**values, purpose_values=purpose_values)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def columns(self) -> dict[str, str]:
        """Parcel field -> attribute, for the fields that have one."""
        return {name: getattr(self, name) for name in self.COLUMN_FIELDS if getattr(self, name)}


@dataclass
class RefusedRow:
    row: int  # 1-based, as a spreadsheet or QGIS's attribute table counts
    fid: int
    cadastral_number: str
    reason: str


@dataclass
class ParcelImportReport:
    """What an import did (or, in a dry run, would do)."""

    source: str
    version_id: int
    settlement: str
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    status_kept: int = 0  # updated parcels that are not free and stayed as they were
    area_computed: int = 0
    refused: list[RefusedRow] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)
    committed: bool = False
    mapping: dict[str, Any] = field(default_factory=dict)
    layer_import: dict[str, Any] | None = None

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "accepted": self.accepted}

    def summary(self) -> dict[str, Any]:
        """The figures without the row lists: what the audit log keeps."""
        data = self.as_dict()
        data.pop("preview")
        data["refused_count"] = len(self.refused)
        data["refused"] = [asdict(row) for row in self.refused[:50]]
        return data


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("ё", "е").replace("Ё", "Е")).strip().casefold()


def _category_lookup() -> dict[str, str]:
    names: dict[str, str] = {}
    for code, label in Parcel.Category.choices:
        names[_normal(code)] = code
        for language in ("kk", "ru", "en"):
            with translation.override(language):
                names[_normal(str(label))] = code
    return names


def _category_of(value: str, names: dict[str, str]) -> str | None:
    text = _normal(value)
    if text in names:
        return names[text]
    for code, official in CATEGORY_NAMES.items():
        if any(text.startswith(_normal(name)) for name in official):
            return code
    return None


def _purpose_lookup(mapping: ColumnMapping) -> dict[str, LandPurpose]:
    """File value -> purpose: the planner's table first, then codes, names, abbreviations."""
    purposes = {purpose.code: purpose for purpose in LandPurpose.objects.all()}
    lookup: dict[str, LandPurpose] = {}
    for purpose in purposes.values():
        for name in (purpose.code, purpose.name_kk, purpose.name_ru, purpose.name_en):
            if name:
                lookup[_normal(name)] = purpose
                # "Индивидуальное жилищное строительство (ИЖС)" is written "ИЖС" as often.
                for abbreviation in re.findall(r"\(([^()]+)\)", name):
                    lookup.setdefault(_normal(abbreviation), purpose)
    unknown = sorted({code for code in mapping.purpose_values.values() if code not in purposes})
    if unknown:
        raise ParcelImportRefused(
            _("Unknown target purpose code(s): %(codes)s. Known codes: %(known)s.")
            % {"codes": ", ".join(unknown), "known": ", ".join(sorted(purposes))}
        )
    for value, code in mapping.purpose_values.items():
        lookup[_normal(value)] = purposes[code]
    return lookup


def version_fields(version: LayerVersion) -> list[str]:
    """The attribute names of a version, in the file's order."""
    fields = [str(name) for name in (version.report or {}).get("fields", [])]
    if fields:
        return fields
    first = Feature.objects.filter(version=version).order_by("fid").first()
    return list((first.attributes or {}).keys()) if first else []


def _mapping_check(
    mapping: ColumnMapping, version: LayerVersion, purpose: LandPurpose | None
) -> None:
    if not mapping.cadastral_number:
        raise ParcelImportRefused(_("Say which column holds the cadastral number."))
    fields = version_fields(version)
    missing = [column for column in mapping.columns().values() if column not in fields]
    if missing:
        raise ParcelImportRefused(
            _("The layer has no column %(missing)s. Its columns are: %(fields)s.")
            % {
                "missing": ", ".join(f"“{name}”" for name in missing),
                "fields": ", ".join(fields) or "—",
            }
        )
    if not mapping.purpose and purpose is None:
        raise ParcelImportRefused(
            _("Choose the target purpose of the parcels, or the column that holds it.")
        )


def _text(attributes: dict, column: str) -> str:
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


@dataclass
class _Candidate:
    row: int
    fid: int
    number: str
    values: dict[str, Any]
    area_computed: bool = False


class _RowRefused(Exception):
    def __init__(self, reason: str, number: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.number = number


def _candidate(
    feature: Feature,
    mapping: ColumnMapping,
    *,
    purpose: LandPurpose | None,
    purposes: dict[str, LandPurpose],
    categories: dict[str, str],
) -> "_Candidate":
    """One feature checked and turned into parcel values; raises _RowRefused saying why not."""
    attributes = feature.attributes or {}
    raw_number = _text(attributes, mapping.cadastral_number)
    if not raw_number:
        raise _RowRefused(_("The cadastral number is empty."))
    number = cadastral_number_normalise(attributes.get(mapping.cadastral_number))
    if not cadastral_number_is_valid(number):
        raise _RowRefused(
            _("“%(number)s” is not a cadastral number of the form NN-NNN-NNN-NNN.")
            % {"number": raw_number}
        )
    geometry, why = _boundary(feature.geometry)
    if geometry is None:
        raise _RowRefused(why, number)
    if not feature.valid:  # type: ignore[attr-defined]
        raise _RowRefused(_("The boundary is invalid and could not be repaired."), number)
    values: dict[str, Any] = {"geometry": geometry}

    try:
        area = _area(attributes.get(mapping.area_ha)) if mapping.area_ha else None
    except ValueError as error:
        raise _RowRefused(
            _("The area “%(value)s” is not a number of hectares.") % {"value": error}, number
        ) from None
    area_computed = area is None
    if area is None:
        measured = feature.area_computed  # type: ignore[attr-defined]
        area = Decimal(str(measured or 0)).quantize(Decimal("0.0001"))
    if area <= 0 or area > MAX_AREA_HA:
        raise _RowRefused(
            _("The area %(area)s ha is not possible for a parcel.") % {"area": area}, number
        )
    values["area_ha"] = area

    for name in ("address_kk", "address_ru", "purpose_text_kk", "purpose_text_ru"):
        column = getattr(mapping, name)
        if column:
            text = _text(attributes, column)
            if len(text) > ADDRESS_MAX:
                raise _RowRefused(
                    _("“%(column)s” is longer than %(max)s characters.")
                    % {"column": column, "max": ADDRESS_MAX},
                    number,
                )
            values[name] = text

    if mapping.category:
        category_text = _text(attributes, mapping.category)
        category = (
            _category_of(category_text, categories)
            if category_text
            else Parcel.Category.SETTLEMENTS
        )
        if category is None:
            raise _RowRefused(
                _("Unknown land category “%(value)s”.") % {"value": category_text}, number
            )
        values["category"] = category

    parcel_purpose = purpose
    if mapping.purpose:
        purpose_text = _text(attributes, mapping.purpose)
        parcel_purpose = (purposes.get(_normal(purpose_text)) if purpose_text else None) or purpose
        if parcel_purpose is None:
            raise _RowRefused(
                _(
                    "The target purpose “%(value)s” matches no purpose: add it to the table "
                    "of values."
                )
                % {"value": purpose_text},
                number,
            )
    values["purpose"] = parcel_purpose
    return _Candidate(
        row=feature.fid + 1,
        fid=feature.fid,
        number=number,
        values=values,
        area_computed=area_computed,
    )


def parcels_import_from_version(
    *,
    version: LayerVersion,
    mapping: ColumnMapping,
    settlement: Settlement,
    purpose: LandPurpose | None = None,
    plan: Plan | None = None,
    actor: Actor = None,
    dry_run: bool = True,
) -> ParcelImportReport:
    """Turn the features of a layer version into registry parcels; returns the report.

    `purpose` is the target purpose of every parcel, or of those whose purpose column is
    empty or unmatched when `mapping.purpose` names one. `plan` defaults to the version's
    plan. With dry_run everything is checked and written, then rolled back.
    """
    version = LayerVersion.objects.select_related("layer__plan").get(pk=version.pk)
    _mapping_check(mapping, version, purpose)
    plan = plan if plan is not None else version.layer.plan
    purposes = _purpose_lookup(mapping) if mapping.purpose else {}
    categories = _category_lookup()
    report = ParcelImportReport(
        source=f"{version.layer} v{version.number}",
        version_id=version.pk,
        settlement=settlement.slug,
        mapping=mapping.as_dict(),
    )
    features = (
        Feature.objects.filter(version=version)
        .annotate(area_computed=GeographyAreaHa(F("geometry")), valid=IsValid("geometry"))
        .order_by("fid")
    )
    candidates: list[_Candidate] = []
    preview: dict[int, dict[str, Any]] = {}

    def refuse(row: int, fid: int, number: str, reason: str) -> None:
        report.refused.append(RefusedRow(row=row, fid=fid, cadastral_number=number, reason=reason))
        if row <= PREVIEW_ROWS:
            preview[row] = {"row": row, "cadastral_number": number, "refused": reason}

    for feature in features.iterator(chunk_size=WRITE_BATCH):
        report.total += 1
        row = feature.fid + 1
        raw_number = _text(feature.attributes or {}, mapping.cadastral_number)
        try:
            candidate = _candidate(
                feature, mapping, purpose=purpose, purposes=purposes, categories=categories
            )
        except _RowRefused as refusal:
            refuse(row, feature.fid, refusal.number or raw_number, refusal.reason)
            continue
        if candidate.area_computed:
            report.area_computed += 1
        candidates.append(candidate)

    # The same number twice in one file: which row is right cannot be known, so neither
    # is imported and the planner fixes the file.
    rows_of: dict[str, list[int]] = defaultdict(list)
    for candidate in candidates:
        rows_of[candidate.number].append(candidate.row)
    accepted = []
    for candidate in candidates:
        rows = rows_of[candidate.number]
        if len(rows) > 1:
            others = ", ".join(str(r) for r in rows if r != candidate.row)
            refuse(
                candidate.row,
                candidate.fid,
                candidate.number,
                _("The cadastral number %(number)s is also in row(s) %(rows)s of the file.")
                % {"number": candidate.number, "rows": others},
            )
        else:
            accepted.append(candidate)
    report.refused.sort(key=lambda refused: refused.row)

    try:
        with transaction.atomic():
            _write(
                accepted=accepted,
                mapping=mapping,
                settlement=settlement,
                plan=plan,
                version=version,
                report=report,
                preview=preview,
                refuse=refuse,
            )
            report.refused.sort(key=lambda refused: refused.row)
            report.preview = [preview[row] for row in sorted(preview)]
            report.committed = not dry_run
            if dry_run:
                transaction.set_rollback(True)
            else:
                audit_record(
                    actor=actor,  # type: ignore[arg-type]
                    action="parcels.import",
                    instance=version,
                    after=report.summary(),
                )
    except IntegrityError:
        raise ParcelImportRefused(
            _(
                "The registry changed while importing (another import of the same parcels?). "
                "Nothing was written; run the import again."
            )
        ) from None
    return report


_UPDATED_FIELDS = (
    "geometry",
    "area_ha",
    "address_kk",
    "address_ru",
    "purpose_text_kk",
    "purpose_text_ru",
    "category",
    "purpose",
    "plan",
    "source_version",
    "source_fid",
)


def _differs(parcel: Parcel, name: str, value: Any) -> bool:
    current = getattr(parcel, name)
    if name == "geometry":
        return not current.equals_exact(value, 1e-9)
    return current != value


def _write(
    *,
    accepted: list[_Candidate],
    mapping: ColumnMapping,
    settlement: Settlement,
    plan: Plan | None,
    version: LayerVersion,
    report: ParcelImportReport,
    preview: dict[int, dict[str, Any]],
    refuse: Any,
) -> None:
    now = timezone.now()
    for start in range(0, len(accepted), WRITE_BATCH):
        batch = accepted[start : start + WRITE_BATCH]
        existing = {
            parcel.cadastral_number: parcel
            for parcel in Parcel.objects.select_for_update().filter(
                cadastral_number__in=[candidate.number for candidate in batch]
            )
        }
        new: list[Parcel] = []
        changed: list[Parcel] = []
        changed_fields: set[str] = set()
        for candidate in batch:
            values = {
                **candidate.values,
                "plan": plan,
                "source_version": version,
                "source_fid": candidate.fid,
            }
            parcel = existing.get(candidate.number)
            action = "new"
            if parcel is None:
                parcel = Parcel(
                    cadastral_number=candidate.number,
                    settlement=settlement,
                    status=Parcel.Status.FREE,
                    **values,
                )
                try:
                    # Uniqueness and constraints are the database's job (one query, not N).
                    parcel.full_clean(validate_unique=False, validate_constraints=False)
                except ValidationError as error:
                    refuse(candidate.row, candidate.fid, candidate.number, " ".join(error.messages))
                    continue
                new.append(parcel)
            elif parcel.settlement_id != settlement.pk:
                refuse(
                    candidate.row,
                    candidate.fid,
                    candidate.number,
                    _("This cadastral number is registered in another settlement (%(name)s).")
                    % {"name": parcel.settlement.name},
                )
                continue
            else:
                if parcel.status != Parcel.Status.FREE:
                    # A reserved or allocated plot keeps its purpose: the queue it was
                    # offered to depends on it. Its boundary and address follow the file.
                    values.pop("purpose")
                if not mapping.category:
                    values.pop("category", None)
                differing = [
                    name for name, value in values.items() if _differs(parcel, name, value)
                ]
                # Where the boundary came from is bookkeeping, not a change of the parcel.
                real = [name for name in differing if name not in ("source_version", "source_fid")]
                for name in differing:
                    setattr(parcel, name, values[name])
                if real:
                    action = "update"
                    report.updated += 1
                    if parcel.status != Parcel.Status.FREE:
                        report.status_kept += 1
                else:
                    action = "unchanged"
                    report.unchanged += 1
                if differing:
                    parcel.updated_at = now
                    changed.append(parcel)
                    changed_fields.update(differing)
            if action == "new":
                report.created += 1
            if candidate.row <= PREVIEW_ROWS:
                preview[candidate.row] = _preview_row(candidate, parcel, action)
        Parcel.objects.bulk_create(new, batch_size=WRITE_BATCH)
        if changed:
            fields = [name for name in _UPDATED_FIELDS if name in changed_fields]
            Parcel.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=WRITE_BATCH)
        map_data_changed()  # the parcels layers' revision changed


def _preview_row(candidate: _Candidate, parcel: Parcel, action: str) -> dict[str, Any]:
    labels = {"new": _("new"), "update": _("updated"), "unchanged": _("unchanged")}
    return {
        "row": candidate.row,
        "cadastral_number": candidate.number,
        "address_kk": parcel.address_kk,
        "address_ru": parcel.address_ru,
        "area_ha": str(parcel.area_ha),
        "category": str(parcel.get_category_display()),
        "purpose": parcel.purpose.name if parcel.purpose_id else "",
        "status": str(parcel.get_status_display()),
        "action": str(labels[action]),
    }


def parcels_import_from_file(
    *,
    upload: Path,
    original_name: str,
    layer: Layer,
    options: ImportOptions,
    mapping: ColumnMapping,
    settlement: Settlement,
    purpose: LandPurpose | None = None,
    plan: Plan | None = None,
    actor: User | None = None,
    dry_run: bool = True,
) -> ParcelImportReport:
    """A file through the geodata import core (a new version of `layer`), then into the
    registry: both in one transaction, so a dry run or a refusal leaves neither behind."""
    with transaction.atomic():
        layer_report = layer_import(
            upload=upload, original_name=original_name, layer=layer, options=options, user=actor
        )
        version = LayerVersion.objects.get(pk=layer_report["version_id"])
        report = parcels_import_from_version(
            version=version,
            mapping=mapping,
            settlement=settlement,
            purpose=purpose,
            plan=plan,
            actor=actor,
            dry_run=dry_run,
        )
        report.layer_import = {**layer_report, "committed": not dry_run}
        if dry_run:
            transaction.set_rollback(True)
    return report
