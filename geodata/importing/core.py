"""The import core: one function behind the web page, the command and the API.

`source_inspect` reads an upload and says what it holds (the preview); `layer_import`
writes it as a new version of a layer, all in one transaction: a failure leaves nothing
behind and the previous version stays current.
"""

import contextlib
import io
import json
import math
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils.translation import gettext as _

from geodata.importing.archive import upload_unpack
from geodata.importing.changes import version_changes
from geodata.importing.crs import (
    CRS_CHOICES,
    crs_label,
    crs_parse,
    crs_transformer,
    krassowsky_without_shift,
    outside_kazakhstan,
    storage_crs,
    storage_transformer,
)
from geodata.importing.encoding import ENCODING_LABELS, dbf_encoding_guess
from geodata.importing.errors import CrsRequired, EncodingRequired, ImportRejected
from geodata.importing.geometry import GeometryCounts, geometries_prepare
from geodata.importing.sources import Dataset, batches_read, dataset_find, dataset_info
from geodata.models import Layer, LayerVersion
from geodata.personal_columns import column_warnings
from staff.services import audit_record

PREVIEW_FEATURES = 50
PREVIEW_ROWS = 20

Progress = Callable[[int, int], None]


@dataclass
class ImportOptions:
    """What the planner decided; None means: take what the file says (or the guess)."""

    encoding: str | None = None
    crs: str | None = None
    source_layer: str | None = None

    @classmethod
    def from_dict(cls, data: dict) -> "ImportOptions":
        return cls(
            encoding=data.get("encoding") or None,
            crs=data.get("crs") or None,
            source_layer=data.get("source_layer") or None,
        )

    def as_dict(self) -> dict:
        return asdict(self)


def _json_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bytes):
        return value.hex()
    return value


def _column_values(column: np.ndarray) -> list:
    """A column's values, JSON-ready (dates as ISO text)."""
    if np.issubdtype(column.dtype, np.datetime64):
        text = np.datetime_as_string(column)
        return [None if t == "NaT" else str(t) for t in text]
    return [_json_value(v) for v in column.tolist()]


def _attribute_rows(columns: list[np.ndarray], names: list[str]) -> list[dict]:
    """Every attribute of every feature as JSON-ready values (dates as ISO text)."""
    lists = [_column_values(column) for column in columns]
    return [dict(zip(names, values, strict=True)) for values in zip(*lists, strict=True)]


_JSON = json.JSONEncoder(ensure_ascii=False)
_JSON_STRING = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) writes


def _json_column(column: np.ndarray) -> list[str]:
    """A column as JSON texts: the values `_attribute_rows` gives, as json.dumps writes them."""
    if column.dtype == np.bool_:
        return ["true" if value else "false" for value in column.tolist()]
    if np.issubdtype(column.dtype, np.integer):
        return list(map(int.__repr__, column.tolist()))
    if np.issubdtype(column.dtype, np.floating) and np.isfinite(column).all():
        return list(map(float.__repr__, column.tolist()))
    if column.dtype == object:
        return [
            _JSON_STRING(value) if type(value) is str else _JSON.encode(_json_value(value))
            for value in column.tolist()
        ]
    return [_JSON.encode(value) for value in _column_values(column)]


def _attribute_json(columns: list[np.ndarray], names: list[str], count: int) -> list[str]:
    """Each feature's attributes as a JSON object, column by column rather than row by row.

    The same objects as json.dumps(_attribute_rows(...)) at a fraction of the cost: each
    value is escaped by the C encoder json.dumps uses, and one format string a row joins them.
    """
    if not columns:
        return ["{}"] * count
    keys = (_JSON_STRING(name).replace("%", "%%") for name in names)
    template = "{" + ", ".join(f"{key}: %s" for key in keys) + "}"
    return [template % values for values in zip(*map(_json_column, columns), strict=True)]


def _encoding_decide(dataset: Dataset, options: ImportOptions, *, strict: bool) -> dict:
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


def _crs_decide(file_crs, options: ImportOptions):
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


def _transformer_for(crs):
    return None if crs.equals(storage_crs()) else storage_transformer(crs)


def source_inspect(upload: Path, original_name: str, options: ImportOptions) -> dict:
    """What the upload holds, for the preview; raises ImportRejected for a bad file."""
    with tempfile.TemporaryDirectory(prefix="rgis-inspect-") as workdir:
        root = upload_unpack(upload, original_name, Path(workdir))
        dataset = dataset_find(root, options.source_layer)
        encoding = _encoding_decide(dataset, options, strict=False)
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
            crs = _crs_decide(info.crs, options)
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
        rows = _attribute_rows(columns, names)
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


def _wgs84_transformer(crs):
    return crs_transformer(crs, 4326)


def _copy_features(
    version_id: int, first_fid: int, attributes: list[str], geoms: np.ndarray
) -> None:
    """COPY a batch in PostgreSQL's text format: tab-separated, backslash escapes, \\N for null."""
    wkbs = shapely.to_wkb(shapely.set_srid(geoms, settings.RGIS_STORAGE_SRID), include_srid=True)
    line = f"{version_id}\t%d\t%s\t%s\n"
    # bytes.hex() is several times faster than GEOS's hex writer; EWKB hex either way.
    text = "".join(
        line % (first_fid + offset, row.replace("\\", "\\\\"), r"\N" if wkb is None else wkb.hex())
        for offset, (row, wkb) in enumerate(zip(attributes, wkbs, strict=True))
    )
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            "COPY geodata_feature (version_id, fid, attributes, geometry) FROM STDIN",
            io.BytesIO(text.encode()),
        )


def _extent_and_type(version: LayerVersion, counts: GeometryCounts) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Envelope(ST_SetSRID(ST_Extent(geometry), %s)) "
            "FROM geodata_feature WHERE version_id = %s",
            [settings.RGIS_STORAGE_SRID, version.pk],
        )
        envelope = cursor.fetchone()[0]
    if envelope:
        from django.contrib.gis.geos import GEOSGeometry, Polygon

        geometry = GEOSGeometry(envelope)
        # One point, or features in a straight line, have a point or a line for envelope.
        envelope_polygon = (
            geometry if isinstance(geometry, Polygon) else Polygon.from_bbox(geometry.extent)
        )
        envelope_polygon.srid = geometry.srid
        version.extent = envelope_polygon
    types = list(counts.types)
    version.geometry_type = types[0] if len(types) == 1 else ("Mixed" if types else "")


# Parts of at most this many vertices: a point look-up then tests a few short rings.
FEATURE_PART_MAX_VERTICES = 255


def feature_parts_fill(version: LayerVersion) -> int:
    """Cut a functional-zones version's polygons into parts for point look-ups; returns how many.

    Only zone layers: their polygons are big, while parcels are small and are found fast
    enough through geodata_feature's own GiST index (and the parcel import stays fast).
    Idempotent: the version's parts are replaced. A polygon still invalid after repair is
    kept whole, since ST_Subdivide refuses invalid input and must not fail the import.
    """
    if version.layer.kind != Layer.Kind.FUNCTIONAL_ZONES:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM geodata_featurepart WHERE version_id = %s", [version.pk])
        cursor.execute(
            """
            INSERT INTO geodata_featurepart (feature_id, version_id, geometry)
            SELECT feature.id, feature.version_id, part.geometry
            FROM geodata_feature feature
            CROSS JOIN LATERAL (SELECT (ST_IsValidDetail(feature.geometry)).valid) AS checked
            CROSS JOIN LATERAL (
                SELECT ST_Subdivide(ST_CollectionExtract(feature.geometry, 3), %s) AS geometry
                WHERE checked.valid
                UNION ALL
                SELECT feature.geometry WHERE NOT checked.valid
            ) AS part
            WHERE feature.version_id = %s AND ST_Dimension(feature.geometry) = 2
            """,
            [FEATURE_PART_MAX_VERTICES, version.pk],
        )
        return cursor.rowcount


def layer_import(
    *,
    upload: Path,
    original_name: str,
    layer: Layer,
    options: ImportOptions,
    user: User | None,
    progress: Progress | None = None,
    commit: bool = True,
) -> dict:
    """Import the upload as a new, unpublished version of `layer`; returns the import report.

    With commit=False everything is done, counted and compared, then rolled back: the
    report is the same one a real import gives. Publishing is a step of its own
    (geodata.services.layer_version_publish, or layer_file_import for the server's operator).
    """
    with tempfile.TemporaryDirectory(prefix="rgis-import-") as workdir:
        root = upload_unpack(upload, original_name, Path(workdir))
        dataset = dataset_find(root, options.source_layer)
        encoding = _encoding_decide(dataset, options, strict=True)["chosen"]
        info = dataset_info(dataset, encoding)
        crs = _crs_decide(info.crs, options)
        transformer = _transformer_for(crs)
        counts = GeometryCounts()
        total = info.feature_count
        if progress:
            progress(0, total)
        with transaction.atomic():
            locked = Layer.objects.select_for_update().get(pk=layer.pk)
            previous = locked.versions.filter(is_current=True).first()
            last = locked.versions.order_by("-number").values_list("number", flat=True).first()
            version = LayerVersion.objects.create(
                layer=locked,
                number=(last or 0) + 1,
                source_filename=original_name,
                source_format=dataset.format,
                source_layer=dataset.layer or "",
                source_crs=crs_label(crs),
                source_encoding=encoding or "utf-8",
                uploaded_by=user,
            )
            done = 0
            batch_size = settings.RGIS_IMPORT_BATCH_SIZE
            for wkb, columns, names in batches_read(
                dataset, encoding=encoding, batch_size=batch_size
            ):
                geoms = geometries_prepare(wkb, transformer, counts)
                attributes = _attribute_json(columns, names, len(geoms))
                _copy_features(version.pk, done, attributes, geoms)
                done += len(geoms)
                if progress:
                    progress(done, max(total, done))
            if done == 0:
                # An empty file would blank the layer on the map: surely not what was meant.
                raise ImportRejected(
                    _("The file holds no features. Nothing was imported; check the file.")
                )
            feature_parts_fill(version)  # zone layers only: fast point look-ups
            version.feature_count = done
            _extent_and_type(version, counts)
            version.report = {"geometry": counts.as_dict(), "fields": info.fields}
            version.changes = version_changes(previous, version)
            # Not public yet: the public keeps the current version until someone holding
            # publish_plans publishes this one (geodata.services.layer_version_publish).
            version.save()
            report = {
                "version": version.number,
                "version_id": version.pk,
                "layer": str(locked),
                "source_filename": original_name,
                "format": dataset.format,
                "source_layer": dataset.layer,
                "encoding": version.source_encoding,
                "crs": version.source_crs,
                "storage_srid": settings.RGIS_STORAGE_SRID,
                "feature_count": done,
                "geometry_type": version.geometry_type,
                "geometry": counts.as_dict(),
                "changes": version.changes,
                "committed": commit,
                "published": False,
            }
            audit_record(
                actor=user,
                action="layer.import" if commit else "layer.import_dry_run",
                instance=version,
                after=report,
            )
            if not commit:
                transaction.set_rollback(True)
        return report
