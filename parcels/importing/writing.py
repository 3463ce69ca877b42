"""The accepted rows written to the registry in batches: new parcels created, known ones
updated where the file differs. A parcel that is not free keeps its status and purpose."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from geodata.models import LayerVersion, Plan
from parcels.importing.mapping import ColumnMapping
from parcels.importing.report import PREVIEW_ROWS, ParcelImportReport
from parcels.importing.rows import Candidate
from parcels.models import Parcel, Settlement
from rgis.changes import map_data_changed

WRITE_BATCH = 2000

# refuse(row, fid, cadastral number, reason)
Refuse = Callable[[int, int, str, str], None]

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


def candidates_write(
    *,
    accepted: list[Candidate],
    mapping: ColumnMapping,
    settlement: Settlement,
    plan: Plan | None,
    version: LayerVersion,
    report: ParcelImportReport,
    preview: dict[int, dict[str, Any]],
    refuse: Refuse,
) -> None:
    """Write the accepted rows (inside the caller's transaction), counting into `report`."""
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


def _preview_row(candidate: Candidate, parcel: Parcel, action: str) -> dict[str, Any]:
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
