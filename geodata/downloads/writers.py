"""The writers: a version's features as a GeoPackage, a zipped shapefile or a GeoJSON file."""

import json
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from django.conf import settings
from django.utils.translation import gettext as _
from pyproj import CRS

from geodata.crs import crosses_pulkovo_datum, srid_transformer
from geodata.downloads.formats import DownloadRefused, download_filename
from geodata.downloads.rows import (
    AttributeColumn,
    feature_batches,
    version_geometry_types,
    version_public_columns,
)
from geodata.models import LayerVersion

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
    for batch in feature_batches(version, columns, transformer):
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
        for batch in feature_batches(version, columns, transformer, as_json=True):
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


def version_file_write(
    version: LayerVersion, *, file_format: str, srid: int, directory: Path
) -> Path:
    """Write the version as `file_format` in `srid` into `directory`; returns the file."""
    path = directory / download_filename(version, file_format, srid)
    WRITERS[file_format](version, path, srid, version_public_columns(version))
    return path
