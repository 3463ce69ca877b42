"""Find the dataset in an unpacked upload, check it is whole, and read it in batches."""

import ctypes
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyogrio
import pyogrio.errors
from django.utils.translation import gettext_lazy as _
from pyproj import CRS

from geodata.importing.crs import crs_parse
from geodata.importing.encoding import gdal_encoding
from geodata.importing.errors import ImportRejected

FORMATS = {".shp": "shapefile", ".gpkg": "geopackage", ".geojson": "geojson", ".json": "geojson"}
FORMATS[".kml"] = "kml"
# The GDAL drivers each format may be read with. GDAL picks its driver by content, not by
# name: a ".geojson" that is an OGR VRT would read whatever local file or URL it names,
# and a KML named ".geojson" would skip the DOCTYPE check. Anything else is refused.
ALLOWED_DRIVERS = {
    "shapefile": {"ESRI Shapefile"},
    "geopackage": {"GPKG"},
    "geojson": {"GeoJSON"},
    "kml": {"KML", "LIBKML"},
}
GDAL_OF_VECTOR = 0x04
# OGR VRT reads the files or URLs it names; GDALG runs the GDAL pipeline it holds.
REFERENCING_DRIVERS = ("OGR_VRT", "GDALG")


@dataclass
class Dataset:
    """One readable layer of an upload."""

    path: Path
    format: str
    layer: str | None  # a GeoPackage layer name, or the shapefile's path in the archive
    layers: list[str]  # every layer the upload offers, to choose from
    root: Path

    @property
    def display_layer(self) -> str:
        return self.layer or self.path.name


def _kml_check(path: Path) -> None:
    # GDAL parses KML with expat; refuse DTDs outright so that no entity, internal
    # (billion laughs) or external (file or network access), is ever expanded.
    # Without NULs, a UTF-16 or UTF-32 file cannot hide its DOCTYPE from this check.
    head = path.read_bytes().replace(b"\x00", b"").upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise ImportRejected(
            _(
                "The KML file declares XML entities (a DOCTYPE). Such files can read other "
                "files or exhaust memory and are refused. Export the KML again from your GIS."
            )
        )


@lru_cache(maxsize=1)
def _gdal_identify_functions() -> tuple:
    """GDALIdentifyDriverEx and GDALGetDriverShortName of the GDAL pyogrio reads with."""
    libraries = sorted((Path(pyogrio.__file__).parent.parent / "pyogrio.libs").glob("libgdal*"))
    if libraries:
        library = ctypes.CDLL(str(libraries[0]))
    else:  # pyogrio built against the system's GDAL: the one Django loads
        from django.contrib.gis.gdal.libgdal import lgdal

        library = lgdal
    library.GDALAllRegister()
    # Drivers whose files name other files, URLs or commands to read are not needed by
    # any import or download: taken out of the GDAL pyogrio reads with, so that no path
    # can open one even if a check above were missed.
    by_name = library.GDALGetDriverByName
    by_name.restype = ctypes.c_void_p
    by_name.argtypes = [ctypes.c_char_p]
    deregister = library.GDALDeregisterDriver
    deregister.argtypes = [ctypes.c_void_p]
    for name in REFERENCING_DRIVERS:
        driver = by_name(name.encode())
        if driver:
            deregister(driver)
    identify = library.GDALIdentifyDriverEx
    identify.restype = ctypes.c_void_p
    identify.argtypes = [ctypes.c_char_p, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
    short_name = library.GDALGetDriverShortName
    short_name.restype = ctypes.c_char_p
    short_name.argtypes = [ctypes.c_void_p]
    return identify, short_name


def gdal_driver_identify(path: Path) -> str | None:
    """The vector driver GDAL would open the file with (from its content), None if none."""
    identify, short_name = _gdal_identify_functions()
    driver = identify(str(path).encode(), GDAL_OF_VECTOR, None, None)
    return short_name(driver).decode() if driver else None


def source_driver_check(path: Path, fmt: str) -> str:
    """The file's GDAL driver, refused unless it is one `fmt` is read with; before reading."""
    if not path.resolve().is_file() or str(path).startswith("/vsi"):
        raise ImportRejected(_("“%(name)s” is not a plain file.") % {"name": path.name})
    # XML can carry entities whatever its name: checked before GDAL looks at it at all.
    with open(path, "rb") as handle:
        head = handle.read(1024).replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n")
    if head.startswith(b"<"):
        _kml_check(path)
    driver = gdal_driver_identify(path)
    if driver not in ALLOWED_DRIVERS[fmt]:
        raise ImportRejected(
            _(
                "“%(name)s” is named as a %(format)s file but its content is %(content)s. "
                "Only shapefiles, GeoPackages, GeoJSON and KML are accepted, each under its "
                "own file extension: export the layer again from your GIS."
            )
            % {
                "name": path.name,
                "format": FORMAT_NAMES[fmt],
                "content": driver or _("no map format GDAL knows"),
            }
        )
    return driver


FORMAT_NAMES = {"shapefile": "shapefile", "geopackage": "GeoPackage", "geojson": "GeoJSON"}
FORMAT_NAMES["kml"] = "KML"


def _sibling(path: Path, suffix: str) -> Path | None:
    for candidate in path.parent.iterdir():
        if candidate.stem == path.stem and candidate.suffix.lower() == suffix:
            return candidate
    return None


def shapefile_check(shp: Path) -> None:
    """Every part present and no part cut short: GDAL would read a truncated file silently."""
    name = shp.name
    for suffix in (".shx", ".dbf"):
        if _sibling(shp, suffix) is None:
            raise ImportRejected(
                _(
                    "The shapefile “%(name)s” has no %(part)s file. Zip the .shp, .shx, .dbf "
                    "and .prj together and upload again."
                )
                % {"name": name, "part": suffix}
            )
    for part in (shp, _sibling(shp, ".shx")):
        assert part is not None
        data_size = part.stat().st_size
        with open(part, "rb") as handle:
            header = handle.read(100)
        if len(header) < 100 or struct.unpack(">i", header[:4])[0] != 9994:
            raise ImportRejected(
                _("“%(name)s” is not a shapefile, or it is damaged.") % {"name": part.name}
            )
        declared = struct.unpack(">i", header[24:28])[0] * 2
        if data_size < declared:
            raise ImportRejected(
                _(
                    "“%(name)s” is cut short: %(size)s of %(declared)s bytes. The file was "
                    "damaged in copying; export or copy it again."
                )
                % {"name": part.name, "size": data_size, "declared": declared}
            )
    dbf = _sibling(shp, ".dbf")
    assert dbf is not None
    with open(dbf, "rb") as handle:
        header = handle.read(12)
    if len(header) < 12:
        raise ImportRejected(_("“%(name)s” is damaged.") % {"name": dbf.name})
    records, header_length, record_length = struct.unpack("<IHH", header[4:12])
    if dbf.stat().st_size < header_length + records * record_length:
        raise ImportRejected(
            _("“%(name)s” is cut short: some attribute records are missing.") % {"name": dbf.name}
        )


def _layer_check(wanted_layer: str | None, layers: list[str]) -> None:
    # A mistyped --source-layer must not quietly import another layer.
    if wanted_layer and wanted_layer not in layers:
        raise ImportRejected(
            _("The upload has no layer “%(layer)s”. It holds: %(layers)s.")
            % {"layer": wanted_layer, "layers": ", ".join(layers)}
        )


def dataset_find(root: Path, wanted_layer: str | None = None) -> Dataset:
    """The dataset to import from an unpacked upload (the planner picks among several)."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("._"))
    shapefiles = [p for p in files if p.suffix.lower() == ".shp"]
    others = [p for p in files if p.suffix.lower() in (".gpkg", ".geojson", ".json", ".kml")]
    if not shapefiles and not others:
        loose = {p.suffix.lower() for p in files}
        if loose & {".dbf", ".shx", ".prj"}:
            raise ImportRejected(
                _("The archive has no .shp file: the shapefile is incomplete. Add the .shp.")
            )
        raise ImportRejected(
            _(
                "No map data was found in the upload. Expected a shapefile (.shp with .shx "
                "and .dbf), a GeoPackage, GeoJSON or KML."
            )
        )
    if shapefiles:
        names = [str(p.relative_to(root)) for p in shapefiles]
        _layer_check(wanted_layer, names)
        chosen = names.index(wanted_layer) if wanted_layer in names else 0
        shp = shapefiles[chosen]
        shapefile_check(shp)
        source_driver_check(shp, "shapefile")
        return Dataset(shp, "shapefile", names[chosen], names, root)
    path = others[0]
    fmt = FORMATS[path.suffix.lower()]
    source_driver_check(path, fmt)
    try:
        layers = [str(name) for name, _geometry in pyogrio.list_layers(path)]
    except pyogrio.errors.DataSourceError as error:
        raise ImportRejected(
            _("“%(name)s” cannot be read: it is damaged or not a %(format)s file.")
            % {"name": path.name, "format": fmt}
        ) from error
    if not layers:
        raise ImportRejected(_("“%(name)s” holds no layers.") % {"name": path.name})
    _layer_check(wanted_layer, layers)
    layer = wanted_layer if wanted_layer in layers else layers[0]
    return Dataset(path, fmt, layer, layers, root)


@dataclass
class DatasetInfo:
    feature_count: int
    fields: list[str]
    geometry_type: str
    crs: CRS | None
    encoding: str | None  # what GDAL reports for formats with a fixed encoding


def dataset_info(dataset: Dataset, encoding: str | None) -> DatasetInfo:
    try:
        info = pyogrio.read_info(
            dataset.path,
            layer=_gdal_layer(dataset),
            encoding=gdal_encoding(encoding),
            force_feature_count=True,
        )
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as error:
        raise ImportRejected(
            _("“%(name)s” cannot be read: it is damaged.") % {"name": dataset.path.name}
        ) from error
    crs = None
    if info.get("crs"):
        crs = crs_parse(info["crs"])
    if dataset.format == "shapefile":
        prj = next(
            (
                p
                for p in dataset.path.parent.iterdir()
                if p.stem == dataset.path.stem and p.suffix.lower() == ".prj"
            ),
            None,
        )
        crs = crs_parse(prj.read_text(errors="replace")) if prj else None
    return DatasetInfo(
        feature_count=int(info["features"]),
        fields=[str(name) for name in info["fields"]],
        geometry_type=str(info.get("geometry_type") or "Unknown"),
        crs=crs,
        encoding=info.get("encoding"),
    )


def _gdal_layer(dataset: Dataset) -> str | int | None:
    return None if dataset.format == "shapefile" else dataset.layer


def _nulls_restored(column: np.ndarray, dtype: str) -> np.ndarray:
    """An integer or boolean column as the file has it, when pyogrio read it as floats.

    numpy has no null integer or boolean, so pyogrio reads such a column with empty values
    as floats with NaN (and says in `dtypes` what the field is). Kept that way, 3 would be
    stored as 3.0 and a yes/no field as 1.0/0.0, and downloads would type them Real.
    """
    if column.dtype.kind != "f" or not (dtype == "bool" or dtype.startswith(("int", "uint"))):
        return column
    kind = bool if dtype == "bool" else int
    restored = np.empty(len(column), dtype=object)
    restored[:] = [None if value != value else kind(value) for value in column.tolist()]
    return restored


def batches_read(
    dataset: Dataset, *, encoding: str | None, batch_size: int
) -> Iterator[tuple[np.ndarray, list[np.ndarray], list[str]]]:
    """(geometries as WKB, field columns, field names) in batches: memory stays flat."""
    start = 0
    while True:
        try:
            meta, _fids, geometry, columns = pyogrio.raw.read(
                dataset.path,
                layer=_gdal_layer(dataset),
                encoding=gdal_encoding(encoding),
                skip_features=start,
                max_features=batch_size,
            )
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as error:
            raise ImportRejected(
                _("Reading “%(name)s” failed after %(done)s features: the file is damaged.")
                % {"name": dataset.path.name, "done": start}
            ) from error
        except UnicodeDecodeError as error:
            raise ImportRejected(
                _("The text is not in %(encoding)s. Choose another encoding.")
                % {"encoding": encoding}
            ) from error
        if geometry is None:
            geometry = np.full(len(columns[0]) if columns else 0, None, dtype=object)
        columns = [
            _nulls_restored(column, str(dtype))
            for column, dtype in zip(columns, meta["dtypes"], strict=True)
        ]
        yield geometry, columns, [str(name) for name in meta["fields"]]
        if len(geometry) < batch_size:
            return
        start += batch_size


_gdal_identify_functions()  # takes the referencing drivers out as soon as imports can run
