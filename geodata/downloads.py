"""Files of a layer version to take away: GeoPackage, zipped shapefile or GeoJSON.

A published version never changes. Its features are read through a server-side cursor in
batches (memory stays flat however big the layer is), reprojected in Python with pyproj (so
that Pulkovo 1942 gets the Kazakhstan datum shift, which PostGIS's ST_Transform would not
pick) and written once into the download cache (RGIS_DOWNLOAD_CACHE_DIR), one file per
version, format and CRS: later requests read that file. Every public attribute key of the
version becomes a column, typed from the values it holds across the whole version.
"""

import fcntl
import json
import os
import re
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.utils.translation import gettext as _
from pyproj import CRS, Transformer

from geodata.crs import crosses_pulkovo_datum, geometries_reproject, srid_transformer
from geodata.models import Feature, LayerVersion
from geodata.selectors import in_file_order, version_file_fields
from rgis.errors import Refusal


@dataclass(frozen=True)
class DownloadFormat:
    extension: str
    content_type: str


FORMATS = {
    "gpkg": DownloadFormat("gpkg", "application/geopackage+sqlite3"),
    "shp": DownloadFormat("zip", "application/zip"),
    "geojson": DownloadFormat("geojson", "application/geo+json"),
}
# Offered besides the storage CRS: WGS 84, Web Mercator, Gauss-Krüger zone 12 (Pulkovo
# 1942, what Taraz's offices work in) and UTM 42N. The version page lists the same four.
OUTPUT_SRIDS = (4326, 3857, 28412, 32642)
GEOJSON_SRID = 4326  # RFC 7946: GeoJSON is WGS 84 longitude/latitude, nothing else
# 25 000 features take some 50 MB on their way through; fewer batches write faster (each
# append reopens the file, and a GeoPackage's R-tree is then updated feature by feature).
BATCH_SIZE = 25_000
SHAPEFILE_NAME_BYTES = 10  # a DBF field name
SHAPEFILE_TEXT_BYTES = 254  # a DBF text value
# Seven decimals of a degree are about a centimetre, as in the OGC API.
GEOJSON_DECIMALS = 7
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
# Shapefiles hold one shape type; single and multi parts of lines and polygons share one.
SHAPEFILE_FAMILIES = {
    "Point": "Point",
    "MultiPoint": "MultiPoint",
    "LineString": "MultiLineString",
    "MultiLineString": "MultiLineString",
    "Polygon": "MultiPolygon",
    "MultiPolygon": "MultiPolygon",
}


class DownloadRefused(Refusal):
    """A download this portal cannot make as asked; the message says what to ask instead."""


# The coordinate system of the file


def offered_srids() -> tuple[int, ...]:
    """The SRIDs a download may be asked in: the four offered, and the storage one."""
    storage = settings.RGIS_STORAGE_SRID
    return OUTPUT_SRIDS if storage in OUTPUT_SRIDS else (storage, *OUTPUT_SRIDS)


def default_srid(file_format: str) -> int:
    return GEOJSON_SRID if file_format == "geojson" else settings.RGIS_STORAGE_SRID


def download_srid(requested: str | None, file_format: str) -> int:
    """The SRID to write: the format's default, or the offered one `requested` names."""
    text = (requested or "").strip()
    if not text:
        return default_srid(file_format)
    authority, _colon, code = text.partition(":")
    srid = int(code) if authority.upper() == "EPSG" and code.isascii() and code.isdigit() else 0
    if srid not in offered_srids():
        raise DownloadRefused(
            _(
                "“%(crs)s” is not a coordinate system offered for downloads. "
                "Choose one of: %(allowed)s."
            )
            % {"crs": text[:50], "allowed": ", ".join(f"EPSG:{s}" for s in offered_srids())}
        )
    if file_format == "geojson" and srid != GEOJSON_SRID:
        raise DownloadRefused(
            _(
                "GeoJSON is always in WGS 84 longitude and latitude (EPSG:4326), as its "
                "standard (RFC 7946) requires. Download a GeoPackage or a shapefile to get "
                "EPSG:%(srid)s."
            )
            % {"srid": srid}
        )
    return srid


# What the version holds


@dataclass(frozen=True)
class AttributeColumn:
    """An attribute key of a version and the type its values make together."""

    name: str
    kind: str  # "integer", "real", "boolean" or "text"
    longest: int  # bytes of the longest value written as text


# One pass over the version's attributes, hashed by key (no sort): for each key whether its
# values are all numbers, all integers that fit int64, all booleans, and the longest value
# in bytes (shapefiles cut text at 254). JSON nulls count as any type.
COLUMNS_SQL = """
SELECT item.key,
       bool_or(item.type <> 'null'),
       bool_and(item.type IN ('number', 'null')),
       bool_and(item.type <> 'number' OR item.value::text ~ '^-?[0-9]{1,18}$'),
       bool_and(item.type IN ('boolean', 'null')),
       coalesce(max(octet_length(item.value #>> '{}')), 0)
FROM geodata_feature feature
CROSS JOIN LATERAL (
    SELECT pair.key, pair.value, jsonb_typeof(pair.value) AS type
    FROM jsonb_each(feature.attributes) AS pair
) AS item
WHERE feature.version_id = %s AND jsonb_typeof(feature.attributes) = 'object'
GROUP BY item.key
"""


def _column_kind(*, any_value: bool, numbers: bool, integers: bool, booleans: bool) -> str:
    if any_value and numbers:
        return "integer" if integers else "real"
    if any_value and booleans:
        return "boolean"
    # Strings, objects, arrays, a mix of types, or nothing but nulls: text.
    return "text"


def version_columns(version: LayerVersion) -> list[AttributeColumn]:
    """Every attribute key of the version, typed, in the order of the uploaded file.

    Cached: the query reads every value of the version (a second for 100 000 parcels),
    and a version never changes.
    """
    key = f"download-columns:{version.pk}:{version.uploaded_at.isoformat()}"
    columns = cache.get(key)
    if columns is None:
        columns = _version_columns(version)
        cache.set(key, columns, timeout=7 * 24 * 3600)
    return columns


def _version_columns(version: LayerVersion) -> list[AttributeColumn]:
    with connections[router.db_for_read(Feature)].cursor() as cursor:
        cursor.execute(COLUMNS_SQL, [version.pk])
        rows = cursor.fetchall()
    columns = {
        key: AttributeColumn(
            key,
            _column_kind(
                any_value=any_value, numbers=numbers, integers=integers, booleans=booleans
            ),
            longest,
        )
        for key, any_value, numbers, integers, booleans, longest in rows
    }
    return [columns[name] for name in in_file_order(sorted(columns), version_file_fields(version))]


def version_geometry_types(version: LayerVersion) -> list[str]:
    """The geometry types of the version's features ("MultiPolygon", ...), sorted."""
    counted = ((version.report or {}).get("geometry") or {}).get("types") or {}
    if counted:  # what the import counted: no need to read the features again
        return sorted(name for name, count in counted.items() if count)
    with connections[router.db_for_read(Feature)].cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT substr(ST_GeometryType(geometry), 4) FROM geodata_feature "
            "WHERE version_id = %s AND geometry IS NOT NULL",
            [version.pk],
        )
        return sorted(name for (name,) in cursor.fetchall())


# PostgreSQL takes each attribute out of the jsonb as its column's type (->> gives SQL NULL
# for a JSON null, and a number, object or array as JSON text), so Python decodes no JSON.
# A GeoJSON wants every value as JSON text instead.
VALUE_SQL = {
    "integer": "(f.attributes ->> %s)::bigint",
    "real": "(f.attributes ->> %s)::float8",
    "boolean": "(f.attributes ->> %s)::boolean",
    "text": "f.attributes ->> %s",
    "json": "coalesce((f.attributes -> %s)::text, 'null')",
}


@dataclass
class FeatureBatch:
    fids: tuple[int, ...]
    values: list[tuple]  # one tuple per column asked, a value per feature
    geometries: np.ndarray  # shapely geometries in the target CRS, None where missing


def _feature_batches(
    version: LayerVersion,
    columns: list[AttributeColumn],
    transformer: Transformer | None,
    *,
    as_json: bool = False,
) -> Iterator[FeatureBatch]:
    """The features in file order, BATCH_SIZE at a time; one empty batch if there are none."""
    # Only VALUE_SQL's fixed expressions go into the text; attribute names are parameters.
    values = "".join(f", {VALUE_SQL['json' if as_json else c.kind]}" for c in columns)
    sql = (
        f"SELECT f.fid, ST_AsBinary(f.geometry){values} FROM geodata_feature f "  # noqa: S608
        "WHERE f.version_id = %s ORDER BY f.fid"
    )
    yielded = False
    # A server-side cursor: PostgreSQL hands the rows over a batch at a time.
    with connections[router.db_for_read(Feature)].chunked_cursor() as cursor:
        cursor.execute(sql, [*(column.name for column in columns), version.pk])
        while rows := cursor.fetchmany(BATCH_SIZE):
            fids, geometries, *by_column = zip(*rows, strict=True)
            # Binary WKB: GEOS reads hex several times slower than psycopg2 decodes it.
            wkb = np.array([None if g is None else bytes(g) for g in geometries], dtype=object)
            yield FeatureBatch(
                fids, by_column, geometries_reproject(shapely.from_wkb(wkb), transformer)
            )
            yielded = True
    if not yielded:
        empty = np.array([], dtype=object)
        yield FeatureBatch((), [() for _column in columns], empty)


def _column_values(values: tuple, kind: str) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """Values of one column as pandas types pyogrio writes as such (None: null)."""
    if kind == "integer":
        return pd.array(values, dtype="Int64")
    if kind == "real":
        return pd.array(values, dtype="Float64")
    if kind == "boolean":
        return pd.array(values, dtype="boolean")
    return np.array(values, dtype=object)


def _frames(
    version: LayerVersion, srid: int, columns: list[AttributeColumn], names: list[str]
) -> Iterator[gpd.GeoDataFrame]:
    """The features as GeoDataFrames in `srid`, each column under the name in `names`."""
    transformer = srid_transformer(settings.RGIS_STORAGE_SRID, srid)
    for batch in _feature_batches(version, columns, transformer):
        data = {
            name: _column_values(values, column.kind)
            for name, column, values in zip(names, columns, batch.values, strict=True)
        }
        # Not "geometry": an attribute may have that name, and drivers name the column anyway.
        geometry = gpd.GeoSeries(batch.geometries, crs=f"EPSG:{srid}", name=" geometry ")
        yield gpd.GeoDataFrame(data, geometry=geometry)


# Names a file can hold


def _truncated(name: str, max_bytes: int | None) -> str:
    if max_bytes is None:
        return name
    return name.encode()[:max_bytes].decode(errors="ignore")  # never half a letter


def unique_field_names(names: list[str], *, max_bytes: int | None = None) -> dict[str, str]:
    """Original name -> a name the format takes: short enough, unique ignoring case.

    Names that fit keep their spelling; the others are cut, and numbered where cutting
    makes two alike ("KADASTR_NOMER", "KADASTR_NOMER_OLD" -> "KADASTR_NO", "KADASTR__1").
    """
    taken: set[str] = set()
    result: dict[str, str] = {}
    for name in names:
        if name and name == _truncated(name, max_bytes) and name.casefold() not in taken:
            result[name] = name
            taken.add(name.casefold())
    for name in names:
        if name in result:
            continue
        candidate, number = _truncated(name, max_bytes) or "field", 0
        while candidate.casefold() in taken:
            number += 1
            suffix = f"_{number}"
            room = None if max_bytes is None else max_bytes - len(suffix)
            candidate = (_truncated(name, room) or "field") + suffix
        result[name] = candidate
        taken.add(candidate.casefold())
    return {name: result[name] for name in names}


# The writers


def _ogr_write(
    path: Path,
    frames: Iterator[gpd.GeoDataFrame],
    *,
    driver: str,
    layer: str,
    geometry_type: str,
    layer_options: dict[str, str],
) -> None:
    for number, frame in enumerate(frames):
        with warnings.catch_warnings():
            # A shapefile cuts text at 254 bytes: README.txt says so for each such field.
            warnings.filterwarnings(
                "ignore", message=".*has been truncated", category=RuntimeWarning
            )
            pyogrio.write_dataframe(
                frame,
                path,
                layer=layer,
                driver=driver,
                geometry_type=geometry_type,
                append=number > 0,
                layer_options=layer_options if number == 0 else None,
            )


def _version_title(version: LayerVersion) -> str:
    layer = version.layer
    return _("%(plan)s — %(layer)s, version %(number)s") % {
        "plan": layer.plan.name,
        "layer": layer.name,
        "number": version.number,
    }


def _geopackage_write(
    version: LayerVersion, path: Path, srid: int, columns: list[AttributeColumn]
) -> None:
    names = unique_field_names([column.name for column in columns])
    taken = {name.casefold() for name in names.values()}
    fid_name = "fid" if "fid" not in taken else "rgis_fid"
    geometry_name = "geom" if "geom" not in taken else "rgis_geom"
    types = version_geometry_types(version)
    _ogr_write(
        path,
        _frames(version, srid, columns, [names[column.name] for column in columns]),
        driver="GPKG",
        layer=version.layer.slug,
        geometry_type=types[0] if len(types) == 1 else "Unknown",
        layer_options={
            "FID": fid_name,
            "GEOMETRY_NAME": geometry_name,
            "IDENTIFIER": _version_title(version),
        },
    )


def _shapefile_readme(
    version: LayerVersion,
    srid: int,
    renamed: dict[str, str],
    cut: list[str],
) -> str:
    lines = [
        _version_title(version),
        "",
        _("Coordinate system: EPSG:%(srid)s") % {"srid": srid},
        _("Text encoding of the attribute table (.dbf): UTF-8, as the .cpg file says."),
    ]
    storage = CRS.from_epsg(settings.RGIS_STORAGE_SRID)
    if crosses_pulkovo_datum(storage, CRS.from_epsg(srid)):
        lines.append(
            _("Converted with the Kazakhstan datum shift %(operation)s.")
            % {"operation": settings.RGIS_PULKOVO_TO_WGS84_OPERATION}
        )
    if renamed:
        lines += [
            "",
            _(
                "Shapefile field names hold at most 10 characters (10 bytes), so these "
                "attributes were renamed (original → shapefile):"
            ),
            *(f"  {original} → {short}" for original, short in renamed.items()),
        ]
    if cut:
        lines += [
            "",
            _("Shapefile text holds at most 254 bytes; longer values were cut in: %(fields)s")
            % {"fields": ", ".join(cut)},
        ]
    if renamed or cut:
        lines += ["", _("The GeoPackage download keeps full names and values.")]
    return "\n".join(lines) + "\n"


def _shapefile_write(
    version: LayerVersion, path: Path, srid: int, columns: list[AttributeColumn]
) -> None:
    types = version_geometry_types(version)
    families = {SHAPEFILE_FAMILIES.get(name, name) for name in types}
    if len(families) > 1 or not families <= set(SHAPEFILE_FAMILIES.values()):
        raise DownloadRefused(
            _(
                "A shapefile holds one kind of geometry, but this version has %(types)s. "
                "Download it as a GeoPackage, which keeps them all."
            )
            % {"types": ", ".join(types)}
        )
    names = unique_field_names([c.name for c in columns], max_bytes=SHAPEFILE_NAME_BYTES)
    parts = path.parent / "shapefile"
    parts.mkdir()
    stem = path.stem
    _ogr_write(
        parts / f"{stem}.shp",
        _frames(version, srid, columns, [names[column.name] for column in columns]),
        driver="ESRI Shapefile",
        layer=stem,
        geometry_type=families.pop() if families else "Unknown",
        layer_options={"ENCODING": "UTF-8"},
    )
    readme = _shapefile_readme(
        version,
        srid,
        renamed={name: short for name, short in names.items() if name != short},
        cut=[names[c.name] for c in columns if c.longest > SHAPEFILE_TEXT_BYTES],
    )
    # The fastest compression: a shapefile shrinks nearly as much, in a third of the time.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for suffix in SHAPEFILE_PARTS:
            archive.write(parts / f"{stem}{suffix}", f"{stem}{suffix}")
        archive.writestr("README.txt", readme)


def _geojson_write(
    version: LayerVersion, path: Path, srid: int, columns: list[AttributeColumn]
) -> None:
    """RFC 7946 GeoJSON, written here rather than by GDAL: GDAL's writer takes several
    seconds for 100 000 parcels, and it cannot append without rereading the file."""
    # Each feature's properties: the keys in file order, the values as PostgreSQL prints
    # them in JSON (the import core writes its rows the same way).
    keys = (json.encoder.encode_basestring(c.name).replace("%", "%%") for c in columns)
    properties = "{" + ", ".join(f"{key}: %s" for key in keys) + "}"
    transformer = srid_transformer(settings.RGIS_STORAGE_SRID, srid)
    with path.open("w", encoding="utf-8") as out:
        out.write('{"type": "FeatureCollection", "features": [')
        separator = "\n"
        for batch in _feature_batches(version, columns, transformer, as_json=True):
            geoms = shapely.transform(batch.geometries, lambda c: np.round(c, GEOJSON_DECIMALS))
            # Exterior rings counterclockwise, holes clockwise (RFC 7946, section 3.1.6).
            geometries = shapely.to_geojson(shapely.orient_polygons(geoms, exterior_cw=False))
            rows = zip(*batch.values, strict=True) if columns else ((),) * len(batch.fids)
            for fid, values, geometry in zip(batch.fids, rows, geometries, strict=True):
                out.write(
                    f'{separator}{{"type": "Feature", "id": {fid}, '
                    f'"properties": {properties % values}, "geometry": {geometry or "null"}}}'
                )
                separator = ",\n"
        out.write("\n]}\n")


WRITERS = {"gpkg": _geopackage_write, "shp": _shapefile_write, "geojson": _geojson_write}


def download_filename(version: LayerVersion, file_format: str, srid: int) -> str:
    """<plan>-<layer>-v<N>[-epsg<SRID>].<ext>, the SRID only when it is not the default."""
    layer = version.layer
    stem = f"{layer.plan.slug}-{layer.slug}-v{version.number}"
    if srid != default_srid(file_format):
        stem += f"-epsg{srid}"
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", stem)  # slugs are ASCII; a header must be
    return f"{stem}.{FORMATS[file_format].extension}"


def version_public_columns(version: LayerVersion) -> list[AttributeColumn]:
    """The version's columns the publisher made public."""
    hidden = set(version.hidden_fields)
    return [column for column in version_columns(version) if column.name not in hidden]


def version_file_write(
    version: LayerVersion, *, file_format: str, srid: int, directory: Path
) -> Path:
    """Write the version as `file_format` in `srid` into `directory`; returns the file."""
    path = directory / download_filename(version, file_format, srid)
    WRITERS[file_format](version, path, srid, version_public_columns(version))
    return path


def download_cache_path(version: LayerVersion, *, file_format: str, srid: int) -> Path:
    """Where the download cache keeps this file (whether it is there yet or not)."""
    # The upload time too: ids start again in a re-created database, the cache survives it.
    folder = f"{version.pk}-{version.uploaded_at.timestamp():.6f}"
    root = Path(settings.RGIS_DOWNLOAD_CACHE_DIR)
    return root / folder / download_filename(version, file_format, srid)


def version_file_open(version: LayerVersion, *, file_format: str, srid: int) -> IO[bytes]:
    """The published version as a file open for reading, built once into the cache.

    Two requests for a file not built yet do not build it twice: the second waits for
    the first under a file lock (shared by every process on the cache's disk), then reads.
    """
    if not version.is_published:
        raise DownloadRefused(_("This version is not published."), status=404)
    path = download_cache_path(version, file_format=file_format, srid=srid)
    try:
        return path.open("rb")
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f".{path.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not path.exists():
                with tempfile.TemporaryDirectory(prefix=".build-", dir=path.parent) as work:
                    built = version_file_write(
                        version, file_format=file_format, srid=srid, directory=Path(work)
                    )
                    # Appears whole or not at all: a reader never sees half a file.
                    os.replace(built, path)
            return path.open("rb")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
