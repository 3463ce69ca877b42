"""Inspect an upload: what it holds, for the planner's preview, before anything is written."""

import contextlib
import json
import tempfile
from pathlib import Path
from typing import Any

import shapely
from django.utils.translation import gettext as _
from pyproj import CRS, Transformer

from geodata.importing.archive import upload_unpack
from geodata.importing.attributes import attribute_rows
from geodata.importing.crs import (
    CRS_CHOICES,
    crs_label,
    crs_transformer,
    krassowsky_without_shift,
    outside_kazakhstan,
)
from geodata.importing.errors import CrsRequired
from geodata.importing.geometry import GeometryCounts, geometries_prepare
from geodata.importing.options import ImportOptions, crs_decide, encoding_decide
from geodata.importing.sources import batches_read, dataset_find, dataset_info
from geodata.personal_columns import column_warnings

PREVIEW_FEATURES = 50
PREVIEW_ROWS = 20


def source_inspect(upload: Path, original_name: str, options: ImportOptions) -> dict[str, Any]:
    """What the upload holds, for the preview; raises ImportRejected for a bad file."""
    with tempfile.TemporaryDirectory(prefix="rgis-inspect-") as workdir:
        root = upload_unpack(upload, original_name, Path(workdir))
        dataset = dataset_find(root, options.source_layer)
        encoding = encoding_decide(dataset, options, strict=False)
        info = dataset_info(dataset, encoding["chosen"])
        warnings = []
        if encoding.get("conflict"):
            warnings.append(
                _("The .cpg file names an encoding the text is not in; check the sample text.")
            )
        elif not encoding["certain"]:
            warnings.append(
                _(
                    "The encoding was detected, not declared: check that the sample text "
                    "reads right."
                )
            )
        crs = None
        with contextlib.suppress(CrsRequired):  # the preview then asks for one
            crs = crs_decide(info.crs, options)
        if crs is not None and krassowsky_without_shift(crs):
            warnings.append(
                _(
                    "This coordinate system is on the Krassowsky ellipsoid but has no datum "
                    "shift: the features would land tens of metres off. Add "
                    "+towgs84=15,-130,-84 (the Kazakhstan shift) to the PROJ string."
                )
            )
        first = next(
            batches_read(dataset, encoding=encoding["chosen"], batch_size=PREVIEW_FEATURES)
        )
        wkb, columns, names = first
        rows = attribute_rows(columns, names)
        for name, warning in column_warnings(names, rows).items():
            warnings.append(
                _(
                    "Column “%(name)s”: %(warning)s It will not be public unless the "
                    "publisher chooses it."
                )
                % {"name": name, "warning": warning.message}
            )
        counts = GeometryCounts()
        preview = None
        if crs is not None:
            to_wgs84 = None if crs.to_epsg() == 4326 else _wgs84_transformer(crs)
            geoms = geometries_prepare(wkb, to_wgs84, counts)
            features = [
                {
                    "type": "Feature",
                    "properties": {k: v for k, v in row.items()},
                    "geometry": json.loads(shapely.to_geojson(g)) if g is not None else None,
                }
                for row, g in zip(rows, geoms, strict=True)
            ]
            preview = {"type": "FeatureCollection", "features": features}
            present = geoms[~shapely.is_missing(geoms)]
            if len(present) and outside_kazakhstan(tuple(shapely.total_bounds(present))):
                warnings.append(
                    _(
                        "With this coordinate system the features land outside Kazakhstan. "
                        "Check the coordinate system."
                    )
                )
        return {
            "source_filename": original_name,
            "format": dataset.format,
            "layers": dataset.layers,
            "layer": dataset.layer,
            "feature_count": info.feature_count,
            "fields": info.fields,
            "geometry_type": info.geometry_type,
            "preview_counts": counts.as_dict(),
            "encoding": encoding,
            "crs": {
                "chosen": crs_label(crs) if crs is not None else None,
                "declared": crs_label(info.crs) if info.crs is not None else None,
                "required": crs is None,
                "choices": [{"code": code, "label": str(label)} for code, label in CRS_CHOICES],
            },
            "rows": rows[:PREVIEW_ROWS],
            "preview": preview,
            "warnings": [str(w) for w in warnings],
        }


def _wgs84_transformer(crs: CRS) -> Transformer:
    return crs_transformer(crs, 4326)
