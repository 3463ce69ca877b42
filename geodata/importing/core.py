"""The import core: one function behind the web page, the command and the API.

`layer_import` writes an upload as a new version of a layer, all in one transaction: a
failure leaves nothing behind and the previous version stays current. Reading the upload
first, for the preview, is geodata.importing.inspection.source_inspect.
"""

import io
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.gis.geos import GEOSGeometry, Polygon
from django.db import connection, transaction
from django.utils.translation import gettext as _

from geodata.importing.archive import upload_unpack
from geodata.importing.attributes import attribute_json
from geodata.importing.changes import version_changes
from geodata.importing.crs import crs_label
from geodata.importing.errors import ImportRejected
from geodata.importing.geometry import GeometryCounts, geometries_prepare
from geodata.importing.options import ImportOptions, crs_decide, encoding_decide, transformer_for
from geodata.importing.sources import batches_read, dataset_find, dataset_info
from geodata.models import Layer, LayerVersion
from staff.services import audit_record

__all__ = ["ImportOptions", "Progress", "feature_parts_fill", "layer_import"]

Progress = Callable[[int, int], None]


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
    commit: bool = False,
) -> dict[str, Any]:
    """Import the upload as a new, unpublished version of `layer`; returns the import report.

    Unless commit=True it is a dry run: everything is done, counted and compared, then
    rolled back, and the report is the same one a real import gives. Publishing is a step of its own
    (geodata.services.layer_version_publish, or layer_file_import for the server's operator).
    """
    with tempfile.TemporaryDirectory(prefix="rgis-import-") as workdir:
        root = upload_unpack(upload, original_name, Path(workdir))
        dataset = dataset_find(root, options.source_layer)
        encoding = encoding_decide(dataset, options, strict=True)["chosen"]
        info = dataset_info(dataset, encoding)
        crs = crs_decide(info.crs, options)
        transformer = transformer_for(crs)
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
                attributes = attribute_json(columns, names, len(geoms))
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
