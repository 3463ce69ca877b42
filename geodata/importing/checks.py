"""Refuse a file before GDAL reads it: its content must be the format its name says, a KML
must declare no entities, and a shapefile must be whole.

Importing this module takes the drivers that read other files (OGR VRT, GDALG) out of the
GDAL pyogrio reads with.
"""

import ctypes
import struct
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyogrio
from django.utils.translation import gettext_lazy as _

from geodata.importing.errors import ImportRejected

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
def _gdal_identify_functions() -> tuple[Callable[..., Any], Callable[..., Any]]:
    """GDALIdentifyDriverEx and GDALGetDriverShortName of the GDAL pyogrio reads with."""
    libraries = sorted((Path(pyogrio.__file__).parent.parent / "pyogrio.libs").glob("libgdal*"))
    if libraries:
        library = ctypes.CDLL(str(libraries[0]))
    else:  # pyogrio built against the system's GDAL: the one Django loads
        # Imported only here: importing it loads that GDAL, which this branch alone needs.
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


_gdal_identify_functions()  # takes the referencing drivers out as soon as imports can run
