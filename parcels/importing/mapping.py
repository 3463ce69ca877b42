"""Which column feeds which parcel field, and how the files' words become the registry's:
land categories and target purposes as offices write them."""

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from geodata.models import LayerVersion
from parcels.errors import ParcelImportRefused
from parcels.models import LandPurpose, Parcel
from parcels.selectors import version_fields

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


def mapping_check(
    mapping: ColumnMapping, version: LayerVersion, purpose: LandPurpose | None
) -> None:
    """Refuse the import whole when the mapping names no number, or columns the layer lacks."""
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


def text_normal(text: str) -> str:
    """A file's word as it is compared: ё as е, spaces collapsed, case folded."""
    return re.sub(r"\s+", " ", text.replace("ё", "е").replace("Ё", "Е")).strip().casefold()


def category_lookup() -> dict[str, str]:
    """Code and label (in every language) -> land category code."""
    names: dict[str, str] = {}
    for code, label in Parcel.Category.choices:
        names[text_normal(code)] = code
        for language in ("kk", "ru", "en"):
            with translation.override(language):
                names[text_normal(str(label))] = code
    return names


def category_of(value: str, names: dict[str, str]) -> str | None:
    """The land category a file's value names, by code, label or official name; None if none."""
    text = text_normal(value)
    if text in names:
        return names[text]
    for code, official in CATEGORY_NAMES.items():
        if any(text.startswith(text_normal(name)) for name in official):
            return code
    return None


def purpose_lookup(mapping: ColumnMapping) -> dict[str, LandPurpose]:
    """File value -> purpose: the planner's table first, then codes, names, abbreviations."""
    purposes = {purpose.code: purpose for purpose in LandPurpose.objects.all()}
    lookup: dict[str, LandPurpose] = {}
    for purpose in purposes.values():
        for name in (purpose.code, purpose.name_kk, purpose.name_ru, purpose.name_en):
            if name:
                lookup[text_normal(name)] = purpose
                # "Индивидуальное жилищное строительство (ИЖС)" is written "ИЖС" as often.
                for abbreviation in re.findall(r"\(([^()]+)\)", name):
                    lookup.setdefault(text_normal(abbreviation), purpose)
    unknown = sorted({code for code in mapping.purpose_values.values() if code not in purposes})
    if unknown:
        raise ParcelImportRefused(
            _("Unknown target purpose code(s): %(codes)s. Known codes: %(known)s.")
            % {"codes": ", ".join(unknown), "known": ", ".join(sorted(purposes))}
        )
    for value, code in mapping.purpose_values.items():
        lookup[text_normal(value)] = purposes[code]
    return lookup
