"""Coordinate systems as the API names them: CRS84 boxes and the storage CRS's URI."""

import math

from django.conf import settings
from django.contrib.gis.geos import LineString, Polygon

from geodata.ogc.protocol import COORDINATE_DECIMALS, CRS84


def crs84_bbox(extent: Polygon) -> list[float]:
    """[minx, miny, maxx, maxy] in CRS84 around an extent stored in any SRID."""
    if extent.srid == 4326:
        bounds = extent.extent
    else:
        # A projected rectangle's edges bend in degrees: follow them, not the corners only.
        xmin, ymin, xmax, ymax = extent.extent
        steps = [i / 16 for i in range(17)]
        edges = [(xmin + (xmax - xmin) * t, ymin) for t in steps]
        edges += [(xmax, ymin + (ymax - ymin) * t) for t in steps]
        edges += [(xmax - (xmax - xmin) * t, ymax) for t in steps]
        edges += [(xmin, ymax - (ymax - ymin) * t) for t in steps]
        bounds = LineString(edges, srid=extent.srid).transform(4326, clone=True).extent
    # Rounded outwards, so that the box still holds every feature.
    scale = 10**COORDINATE_DECIMALS
    west, south, east, north = bounds
    return [
        math.floor(west * scale) / scale,
        math.floor(south * scale) / scale,
        math.ceil(east * scale) / scale,
        math.ceil(north * scale) / scale,
    ]


def storage_crs() -> str:
    """The URI of the CRS the features are stored in."""
    srid = settings.RGIS_STORAGE_SRID
    # PostGIS keeps EPSG:4326 as longitude, latitude: that is CRS84's axis order.
    return CRS84 if srid == 4326 else f"http://www.opengis.net/def/crs/EPSG/0/{srid}"
