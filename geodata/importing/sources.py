"""Find the dataset in an unpacked upload, check it is whole, and read it in batches."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyogrio
import pyogrio.errors
from django.utils.translation import gettext_lazy as _
from pyproj import CRS

from geodata.importing.checks import shapefile_check, source_driver_check
from geodata.importing.crs import crs_parse
from geodata.importing.encoding import gdal_encoding
from geodata.importing.errors import ImportRejected

FORMATS = {".shp": "shapefile", ".gpkg": "geopackage", ".geojson": "geojson", ".json": "geojson"}
FORMATS[".kml"] = "kml"


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
