"""What to read an upload with: the planner's choices, or what the file says (or a guess).

Inspecting an upload and importing it decide the same way; the import is strict where the
preview only warns.
"""

from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext as _
from pyproj import CRS, Transformer

from geodata.importing.crs import crs_parse, storage_crs, storage_transformer
from geodata.importing.encoding import ENCODING_LABELS, dbf_encoding_guess
from geodata.importing.errors import CrsRequired, EncodingRequired
from geodata.importing.sources import Dataset


@dataclass
class ImportOptions:
    """What the planner decided; None means: take what the file says (or the guess)."""

    encoding: str | None = None
    crs: str | None = None
    source_layer: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ImportOptions":
        return cls(
            encoding=data.get("encoding") or None,
            crs=data.get("crs") or None,
            source_layer=data.get("source_layer") or None,
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def encoding_decide(dataset: Dataset, options: ImportOptions, *, strict: bool) -> dict[str, Any]:
    """The encoding to read with, and what the planner should see about it."""
    if dataset.format != "shapefile":
        # GeoPackage, GeoJSON and KML are UTF-8 by their specifications.
        return {"chosen": None, "declared": "utf-8", "detected": "utf-8", "certain": True}
    dbf = next(
        p
        for p in dataset.path.parent.iterdir()
        if p.stem == dataset.path.stem and p.suffix.lower() == ".dbf"
    )
    guess = dbf_encoding_guess(dbf)
    conflict = guess.declared is not None and guess.encoding != guess.declared
    if options.encoding:
        chosen = options.encoding
        if chosen not in ENCODING_LABELS:
            raise EncodingRequired(
                _("Unknown encoding “%(encoding)s”. Choose one of: %(choices)s.")
                % {"encoding": chosen, "choices": ", ".join(ENCODING_LABELS)}
            )
    elif conflict and strict:
        raise EncodingRequired(
            _(
                "The .cpg file says the text is %(declared)s, but it does not read as "
                "%(declared)s; it looks like %(guess)s. Choose the encoding."
            )
            % {"declared": guess.declared, "guess": guess.encoding}
        )
    else:
        chosen = guess.encoding
    return {
        "chosen": chosen,
        "declared": guess.declared,
        "detected": guess.encoding,
        "certain": guess.certain,
        "conflict": conflict,
        "candidates": [
            {"code": code, "label": label, "sample": guess.samples.get(code, [])[:8]}
            for code, label in ENCODING_LABELS.items()
        ],
    }


def crs_decide(file_crs: CRS | None, options: ImportOptions) -> CRS:
    """The planner's CRS, else the file's; CrsRequired when neither says one."""
    if options.crs:
        return crs_parse(options.crs)
    if file_crs is None:
        raise CrsRequired(
            _(
                "The file does not say its coordinate system (no .prj). Choose one, "
                "e.g. EPSG:28412, or give a PROJ string."
            )
        )
    return file_crs


def transformer_for(crs: CRS) -> Transformer | None:
    """The transformation into the storage CRS; None when the data is in it already."""
    return None if crs.equals(storage_crs()) else storage_transformer(crs)
