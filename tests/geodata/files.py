"""Tiny real upload files for the import tests, broken ones included."""

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd

from geodata.importing.core import ImportOptions
from geodata.models import Layer
from geodata.samples import parcel_grid, shapefile_zip
from geodata.services import layer_file_import, layer_get_or_create, plan_get_or_create

# A Pulkovo 1942 / Gauss-Krüger zone 12 .prj as ArcGIS writes it (ESRI WKT, no EPSG code).
ESRI_GK12_PRJ = (
    'PROJCS["Pulkovo_1942_GK_Zone_12",GEOGCS["GCS_Pulkovo_1942",DATUM["D_Pulkovo_1942",'
    'SPHEROID["Krasovsky_1940",6378245.0,298.3]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],'
    'PARAMETER["False_Easting",12500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",69.0],PARAMETER["Scale_Factor",1.0],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)


def layer_create(plan: str = "pdp-taraz", layer: str = "zones") -> Layer:
    """A layer of a draft plan, through the same services the upload page uses."""
    plan_row, _created = plan_get_or_create(slug=plan)
    return layer_get_or_create(plan=plan_row, slug=layer)[0]


def file_import(
    path: Path, layer: Layer, *, commit: bool = True, publish: bool = True, **options
) -> dict:
    """The upload at `path` imported into `layer`, as the web and the command do it, and
    published with the default column choice (unless publish=False)."""
    return layer_file_import(
        upload=path,
        original_name=path.name,
        target=layer,
        options=ImportOptions(**options),
        user=None,
        commit=commit,
        publish=publish and commit,
    )


def parcels_zip(tmp_path: Path, count: int = 10, *, invalid_every: int = 0, **options) -> Path:
    """A zipped shapefile of `count` parcels over Taraz, as a district office sends it."""
    return frame_zip(parcel_grid(count, invalid_every=invalid_every), tmp_path, **options)


def frame_zip(
    frame: gpd.GeoDataFrame, tmp_path: Path, *, zip_name: str = "parcels.zip", **options
) -> Path:
    """`frame` as a zipped shapefile (options as for geodata.samples.shapefile_zip)."""
    return shapefile_zip(frame, tmp_path / zip_name, **options)


def zip_write(target: Path, entries: dict[str, bytes]) -> Path:
    """A zip holding exactly these names and contents (no path cleaning, on purpose)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return target


def zip_members(source: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(source) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def zip_member(source: Path, suffix: str) -> bytes:
    """The bytes of the first member whose name ends with `suffix`."""
    return next(data for name, data in zip_members(source).items() if name.endswith(suffix))


def zip_rewrite(source: Path, target: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """A copy of `source` with each member passed through `change`; None drops the member."""
    entries = {}
    for name, data in zip_members(source).items():
        changed = change(name, data)
        if changed is not None:
            entries[name] = changed
    return zip_write(target, entries)


def without_suffix(*suffixes: str) -> Callable[[str, bytes], bytes | None]:
    return lambda name, data: None if Path(name).suffix.lower() in suffixes else data


def cut_in_half(suffix: str) -> Callable[[str, bytes], bytes | None]:
    return lambda name, data: data[: len(data) // 2] if name.endswith(suffix) else data


class _LegacyNameZipInfo(zipfile.ZipInfo):
    """Writes the name as raw cp866 bytes without the UTF-8 flag, as old Windows zippers do.

    CPython sets the UTF-8 flag on any non-ASCII name it writes, so the name's bytes are
    given here directly (the name is held as those bytes read as cp437, which is how every
    unzipper without the flag reads it back).
    """

    def _encodeFilenameFlags(self):
        return self.filename.encode("cp437"), self.flag_bits & ~0x800


def zip_with_cp866_names(source: Path, target: Path) -> Path:
    """`source` again, its member names stored in cp866 with no UTF-8 flag."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in zip_members(source).items():
            info = _LegacyNameZipInfo(name.encode("cp866").decode("cp437"))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return target


def geojson_write(target: Path, features: list[dict]) -> Path:
    collection = {"type": "FeatureCollection", "features": features}
    target.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return target


def feature(properties: dict, geometry: dict | None) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def square(lon: float, lat: float, size: float = 0.001) -> dict:
    """A GeoJSON polygon: a small square with its south-west corner at lon, lat."""
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def kml_text(placemarks: list[tuple[str, float, float]], *, doctype: str = "") -> str:
    """A KML document with one point placemark per (name, lon, lat)."""
    body = "".join(
        f"<Placemark><name>{name}</name><Point><coordinates>{lon},{lat}</coordinates></Point>"
        "</Placemark>"
        for name, lon, lat in placemarks
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"{doctype}"
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        f"{body}</Document></kml>\n"
    )
