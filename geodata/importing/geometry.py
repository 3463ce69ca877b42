"""Geometry hygiene for a batch: reproject, repair, harmonise parts; count each kind."""

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import shapely
from pyproj import Transformer

from geodata.crs import geometries_reproject

POLYGONAL = {"Polygon", "MultiPolygon"}
LINEAR = {"LineString", "MultiLineString", "LinearRing"}
TYPE_NAMES = {
    0: "Point",
    1: "LineString",
    2: "LinearRing",
    3: "Polygon",
    4: "MultiPoint",
    5: "MultiLineString",
    6: "MultiPolygon",
    7: "GeometryCollection",
}


@dataclass
class GeometryCounts:
    """What happened to the geometries; the import report shows every figure."""

    null: int = 0
    empty: int = 0
    repaired: int = 0
    unrepairable: int = 0
    promoted_to_multi: int = 0
    z_dropped: int = 0
    types: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        return {
            "null": self.null,
            "empty": self.empty,
            "repaired": self.repaired,
            "unrepairable": self.unrepairable,
            "promoted_to_multi": self.promoted_to_multi,
            "z_dropped": self.z_dropped,
            "types": dict(self.types),
        }


def _polygonal_part(geom: shapely.Geometry) -> shapely.Geometry:
    """make_valid may add lines or points where a ring collapsed; a zone keeps its area."""
    if geom.geom_type != "GeometryCollection":
        return geom
    parts = [part for part in shapely.get_parts(geom) if part.geom_type in POLYGONAL]
    return shapely.multipolygons(shapely.get_parts(parts)) if parts else geom


def geometries_prepare(
    wkb: np.ndarray, transformer: Transformer | None, counts: GeometryCounts
) -> np.ndarray:
    """Storage-ready shapely geometries (None where the file had none), counting as we go."""
    geoms: np.ndarray = np.asarray(shapely.from_wkb(wkb, on_invalid="ignore"), dtype=object)
    missing = shapely.is_missing(geoms)
    # GEOS cannot read some broken shapes at all (a ring left open): such a feature is
    # kept without geometry, but counted as unrepairable, not as one the file had none for.
    unreadable = missing & np.array([item is not None for item in wkb], dtype=bool)
    counts.null += int((missing & ~unreadable).sum())
    counts.unrepairable += int(unreadable.sum())
    empty = ~missing & shapely.is_empty(geoms)
    counts.empty += int(empty.sum())
    geoms[empty] = None
    present = ~shapely.is_missing(geoms)

    has_z = present & shapely.has_z(geoms)
    if has_z.any():
        counts.z_dropped += int(has_z.sum())
        geoms[has_z] = shapely.force_2d(geoms[has_z])
    geoms[present] = geometries_reproject(geoms[present], transformer)

    invalid = present & ~shapely.is_valid(geoms)
    if invalid.any():
        broken = geoms[invalid]
        source_types = shapely.get_type_id(broken)
        repaired = shapely.make_valid(broken)
        for index, (fixed, type_id) in enumerate(zip(repaired, source_types, strict=True)):
            # Polygons stay polygons (type ids 3 and 6); lines and points repair as they come.
            if type_id in (3, 6):
                repaired[index] = _polygonal_part(fixed)
        still_invalid = ~shapely.is_valid(repaired)
        counts.unrepairable += int(still_invalid.sum())
        counts.repaired += int((~still_invalid).sum())
        geoms[invalid] = repaired

    type_ids = shapely.get_type_id(geoms)
    # Single parts become multi parts, as ogr2ogr's PROMOTE_TO_MULTI does: one type a layer.
    for single, builder in ((3, shapely.multipolygons), (1, shapely.multilinestrings)):
        singles = present & (type_ids == single)
        if singles.any():
            counts.promoted_to_multi += int(singles.sum())
            geoms[singles] = builder(geoms[singles], indices=np.arange(int(singles.sum())))
    type_ids = shapely.get_type_id(geoms)
    ids, numbers = np.unique(type_ids[type_ids >= 0], return_counts=True)
    for type_id, number in zip(ids, numbers, strict=True):
        counts.types[TYPE_NAMES[int(type_id)]] += int(number)
    return geoms
