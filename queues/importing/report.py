"""What an import found (dry run) or did (committed): counts and refused rows."""

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class RefusedRow:
    """A row left out, by its line and number, and why (no personal data)."""

    line: int
    number: str
    reasons: list[str]


@dataclass
class ImportReport:
    """What an import found (dry run) or did (committed); no personal data in it."""

    filename: str
    sha256: str
    columns: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    accepted: int = 0
    refused_count: int = 0
    refused: list[RefusedRow] = field(default_factory=list)
    committed: bool = False
    # The pending batch a second officer approves as a whole (imported by an officer).
    batch: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ImportReport":
        refused = [RefusedRow(**row) for row in data.get("refused", [])]
        return cls(**{**data, "refused": refused})
