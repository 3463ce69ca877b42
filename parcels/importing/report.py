"""What a parcel import did (or, in a dry run, would do): the figures and the refused rows."""

from dataclasses import asdict, dataclass, field
from typing import Any

# Rows shown to the planner before the import is kept.
PREVIEW_ROWS = 20


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
