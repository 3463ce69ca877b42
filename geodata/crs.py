"""Moving coordinates between systems, with Kazakhstan's Pulkovo 1942 datum shift.

The one place the import (a file's CRS to the storage CRS, or to WGS 84 for the preview)
and the downloads (the storage CRS to the one asked) get their transformations from. PROJ's
first choice for a Pulkovo 1942 system is not Kazakhstan's (around Taraz about 5 m away):
DOMAIN.md names the operation, RGIS_PULKOVO_TO_WGS84_OPERATION (EPSG:1291, dx=15 dy=-130
dz=-84), and every transformation that crosses the Pulkovo 1942 datum, in either direction,
goes through it or its inverse.
"""

from functools import lru_cache

import numpy as np
import shapely
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyproj import CRS, Transformer
from pyproj.crs import CoordinateOperation
from pyproj.transformer import TransformerGroup


def on_pulkovo_1942(crs: CRS) -> bool:
    """Whether the system's datum is Pulkovo 1942."""
    geodetic = crs.geodetic_crs
    datum = geodetic.datum if geodetic is not None else None
    return datum is not None and datum.name == "Pulkovo 1942"


def crosses_pulkovo_datum(source: CRS, target: CRS) -> bool:
    """Whether moving from `source` to `target` changes to or from the Pulkovo 1942 datum."""
    return on_pulkovo_1942(source) != on_pulkovo_1942(target)


@lru_cache(maxsize=4)
def _operation_name(code: str) -> str:
    authority, _colon, number = code.partition(":")
    return CoordinateOperation.from_authority(authority, number).name


def uses_kazakhstan_shift(transformer: Transformer) -> bool:
    """Whether the transformation goes through RGIS_PULKOVO_TO_WGS84_OPERATION or its inverse."""
    wanted = _operation_name(settings.RGIS_PULKOVO_TO_WGS84_OPERATION)
    steps = {wanted, f"Inverse of {wanted}"}
    return bool(steps & {step.name for step in transformer.operations or ()})


@lru_cache(maxsize=32)
def _transformer(source_wkt: str, target_wkt: str) -> Transformer:
    source, target = CRS.from_wkt(source_wkt), CRS.from_wkt(target_wkt)
    if crosses_pulkovo_datum(source, target):
        for candidate in TransformerGroup(source, target, always_xy=True).transformers:
            if uses_kazakhstan_shift(candidate):
                return candidate
    # No datum to cross, or a Pulkovo system PROJ knows no Kazakhstan operation for (a
    # zone far from Kazakhstan): PROJ's own choice.
    return Transformer.from_crs(source, target, always_xy=True)


def transformer_between(source: CRS, target: CRS) -> Transformer:
    """Longitude/easting first on both sides, Pulkovo 1942 through the Kazakhstan shift."""
    return _transformer(source.to_wkt(), target.to_wkt())


@lru_cache(maxsize=16)
def srid_transformer(source_srid: int, target_srid: int) -> Transformer | None:
    """Between two EPSG systems (None if they are the same), as transformer_between.

    For an offered download a Pulkovo crossing must go through the Kazakhstan shift:
    coordinates metres off in an official file are worse than no file.
    """
    if source_srid == target_srid:
        return None
    source, target = CRS.from_epsg(source_srid), CRS.from_epsg(target_srid)
    transformer = transformer_between(source, target)
    if crosses_pulkovo_datum(source, target) and not uses_kazakhstan_shift(transformer):
        raise ImproperlyConfigured(
            f"No transformation from EPSG:{source_srid} to EPSG:{target_srid} goes through "
            f"{settings.RGIS_PULKOVO_TO_WGS84_OPERATION} "
            f"({_operation_name(settings.RGIS_PULKOVO_TO_WGS84_OPERATION)})."
        )
    return transformer


def geometries_reproject(geoms: np.ndarray, transformer: Transformer | None) -> np.ndarray:
    """Shapely geometries moved by `transformer` (unchanged when it is None), x and y only."""
    if transformer is None:
        return geoms

    def move(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, move)
