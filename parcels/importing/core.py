"""The parcel import core: features of a layer version become registry parcels.

One core behind three doors (the `parcels_import` command, the planners' page, the demo):
a planner says which attribute holds the cadastral number, the addresses, the area, the
land category and the target purpose; each feature is checked (rows.py), refused rows are
reported with their row and reason (report.py), and the accepted ones are written in one
transaction (writing.py). A parcel already in the registry keeps its status: a re-import
never frees an allocated plot. Files come in through the geodata import core (encodings,
CRS, repair) as a layer version first (`parcels_import_from_file`).
"""

from collections import defaultdict
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.contrib.gis.db.models.functions import IsValid
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from geodata.importing.core import ImportOptions, layer_import
from geodata.models import Feature, Layer, LayerVersion, Plan
from geodata.selectors import GeographyAreaHa
from parcels.errors import ParcelImportRefused
from parcels.importing.mapping import (
    ColumnMapping,
    category_lookup,
    mapping_check,
    purpose_lookup,
)
from parcels.importing.report import PREVIEW_ROWS, ParcelImportReport, RefusedRow
from parcels.importing.rows import Candidate, RowRefused, attribute_text, feature_candidate
from parcels.importing.writing import WRITE_BATCH, Refuse, candidates_write
from parcels.models import LandPurpose, Settlement
from rgis.actors import Actor
from staff.services import audit_record


def _duplicates_refused(candidates: list[Candidate], refuse: Refuse) -> list[Candidate]:
    """The candidates whose number no other row of the file has; the others refused.

    The same number twice in one file: which row is right cannot be known, so neither
    is imported and the planner fixes the file.
    """
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
    return accepted


def parcels_import_from_version(
    *,
    version: LayerVersion,
    mapping: ColumnMapping,
    settlement: Settlement,
    purpose: LandPurpose | None = None,
    plan: Plan | None = None,
    actor: Actor = None,
    commit: bool = False,
) -> ParcelImportReport:
    """Turn the features of a layer version into registry parcels; returns the report.

    `purpose` is the target purpose of every parcel, or of those whose purpose column is
    empty or unmatched when `mapping.purpose` names one. `plan` defaults to the version's
    plan. Without commit (a dry run) everything is checked and written, then rolled back.
    """
    version = LayerVersion.objects.select_related("layer__plan").get(pk=version.pk)
    mapping_check(mapping, version, purpose)
    plan = plan if plan is not None else version.layer.plan
    purposes = purpose_lookup(mapping) if mapping.purpose else {}
    categories = category_lookup()
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
    candidates: list[Candidate] = []
    preview: dict[int, dict[str, Any]] = {}

    def refuse(row: int, fid: int, number: str, reason: str) -> None:
        report.refused.append(RefusedRow(row=row, fid=fid, cadastral_number=number, reason=reason))
        if row <= PREVIEW_ROWS:
            preview[row] = {"row": row, "cadastral_number": number, "refused": reason}

    for feature in features.iterator(chunk_size=WRITE_BATCH):
        report.total += 1
        row = feature.fid + 1
        raw_number = attribute_text(feature.attributes or {}, mapping.cadastral_number)
        try:
            candidate = feature_candidate(
                feature, mapping, purpose=purpose, purposes=purposes, categories=categories
            )
        except RowRefused as refusal:
            refuse(row, feature.fid, refusal.number or raw_number, refusal.reason)
            continue
        if candidate.area_computed:
            report.area_computed += 1
        candidates.append(candidate)

    accepted = _duplicates_refused(candidates, refuse)
    report.refused.sort(key=lambda refused: refused.row)

    try:
        with transaction.atomic():
            candidates_write(
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
            report.committed = commit
            if not commit:
                transaction.set_rollback(True)
            else:
                audit_record(
                    actor=actor,
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
    commit: bool = False,
) -> ParcelImportReport:
    """A file through the geodata import core (a new version of `layer`), then into the
    registry: both in one transaction, so a dry run or a refusal leaves neither behind."""
    with transaction.atomic():
        layer_report = layer_import(
            upload=upload,
            original_name=original_name,
            layer=layer,
            options=options,
            user=actor,
            commit=True,  # kept or undone with the registry's rows, by this transaction
        )
        version = LayerVersion.objects.get(pk=layer_report["version_id"])
        report = parcels_import_from_version(
            version=version,
            mapping=mapping,
            settlement=settlement,
            purpose=purpose,
            plan=plan,
            actor=actor,
            commit=commit,
        )
        report.layer_import = {**layer_report, "committed": commit}
        if not commit:
            transaction.set_rollback(True)
    return report
