"""geodata/crs.py: one Pulkovo 1942 rule for the import and the downloads, both directions."""

import numpy as np
import pytest
import shapely
from django.core.exceptions import ImproperlyConfigured
from pyproj import CRS, Transformer

from geodata.crs import (
    _transformer,
    geometries_reproject,
    srid_transformer,
    transformer_between,
    uses_kazakhstan_shift,
)
from geodata.importing.crs import crs_parse, crs_transformer

# EPSG:28412 with the three translations of EPSG:1291 as +towgs84: the expected values,
# computed without the code under test.
GK12_WITH_1291 = (
    "+proj=tmerc +lat_0=0 +lon_0=69 +k=1 +x_0=12500000 +y_0=0 +ellps=krass "
    "+towgs84=15,-130,-84,0,0,0,0 +units=m +no_defs"
)
TARAZ_LONLAT = (71.3667, 42.8983)


def _expected_gk12(lon: float, lat: float) -> tuple[float, float]:
    reference = Transformer.from_crs(CRS.from_epsg(4326), CRS(GK12_WITH_1291), always_xy=True)
    return reference.transform(lon, lat)


def test_a_pulkovo_file_is_moved_with_the_kazakhstan_shift():
    x, y = _expected_gk12(*TARAZ_LONLAT)

    transformer = crs_transformer(crs_parse("EPSG:28412"), 4326)

    assert uses_kazakhstan_shift(transformer)
    assert np.allclose(transformer.transform(x, y), TARAZ_LONLAT, atol=1e-7)


def test_towards_pulkovo_the_shift_is_inverted():
    transformer = srid_transformer(4326, 28412)

    assert transformer is not None and uses_kazakhstan_shift(transformer)
    assert np.allclose(transformer.transform(*TARAZ_LONLAT), _expected_gk12(*TARAZ_LONLAT))


def test_the_import_and_the_downloads_use_the_same_transformation():
    x, y = _expected_gk12(*TARAZ_LONLAT)
    downloads = srid_transformer(28412, 4326)
    assert downloads is not None

    import_side = transformer_between(CRS.from_epsg(28412), CRS.from_epsg(4326))

    assert downloads.transform(x, y) == import_side.transform(x, y)


def test_systems_off_the_pulkovo_datum_need_no_shift():
    assert srid_transformer(4326, 4326) is None
    transformer = srid_transformer(4326, 32642)

    assert transformer is not None and not uses_kazakhstan_shift(transformer)


def test_a_download_refuses_a_pulkovo_crossing_without_the_configured_operation(settings):
    # EPSG:1241 (NAD27 to NAD83) exists, but no Pulkovo transformation goes through it.
    settings.RGIS_PULKOVO_TO_WGS84_OPERATION = "EPSG:1241"
    srid_transformer.cache_clear()
    _transformer.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="EPSG:1241"):
            srid_transformer(28412, 4326)
    finally:
        srid_transformer.cache_clear()
        _transformer.cache_clear()


def test_geometries_are_reprojected_in_x_and_y():
    points = np.array([shapely.Point(*TARAZ_LONLAT), None], dtype=object)

    moved = geometries_reproject(points, srid_transformer(4326, 28412))

    assert np.allclose(shapely.get_coordinates(moved)[0], _expected_gk12(*TARAZ_LONLAT))
    assert moved[1] is None
    assert geometries_reproject(points, None) is points
