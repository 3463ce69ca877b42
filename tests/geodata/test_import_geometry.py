"""Geometry hygiene: invalid shapes repaired, parts harmonised, and every feature kept."""

import pytest
from django.db import connection

from geodata.models import Feature, LayerVersion
from geodata.samples import parcel_grid
from tests.geodata.files import (
    feature,
    file_import,
    geojson_write,
    layer_create,
    parcels_zip,
    square,
)

pytestmark = pytest.mark.django_db


def stored_geometry_facts() -> list[tuple[int, bool, str, float]]:
    """(fid, valid?, type, area in m²) of every stored geometry, as PostGIS sees them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT fid, ST_IsValid(geometry), GeometryType(geometry), "
            "ST_Area(geometry::geography) FROM geodata_feature "
            "WHERE geometry IS NOT NULL ORDER BY fid"
        )
        return cursor.fetchall()


def test_bow_tie_parcels_are_repaired_and_every_stored_shape_is_valid(tmp_path):
    frame = parcel_grid(30, invalid_every=5)
    assert (~frame.geometry.is_valid).sum() == 6  # the file really holds six bow ties

    report = file_import(parcels_zip(tmp_path, 30, invalid_every=5), layer_create())

    assert report["feature_count"] == 30
    assert report["geometry"]["repaired"] == 6
    assert report["geometry"]["unrepairable"] == 0
    facts = stored_geometry_facts()
    assert len(facts) == 30
    assert all(valid for _fid, valid, _type, _area in facts)
    # A repaired bow tie keeps its two triangles: half the square, not nothing.
    bow_tie_area = next(area for fid, _valid, _type, area in facts if fid == 4)
    square_area = next(area for fid, _valid, _type, area in facts if fid == 0)
    assert bow_tie_area == pytest.approx(square_area / 2, rel=0.01)
    assert LayerVersion.objects.get().report["geometry"]["repaired"] == 6


def test_single_polygons_are_promoted_to_multipolygons_and_counted(tmp_path):
    report = file_import(parcels_zip(tmp_path, 30, invalid_every=5), layer_create())

    # The 6 repaired bow ties are already two-part multipolygons; the 24 squares are promoted.
    assert report["geometry"]["promoted_to_multi"] == 24
    assert report["geometry"]["types"] == {"MultiPolygon": 30}
    assert report["geometry_type"] == "MultiPolygon"
    assert {kind for _fid, _valid, kind, _area in stored_geometry_facts()} == {"MULTIPOLYGON"}


def test_features_without_geometry_are_kept_and_counted(tmp_path):
    upload = geojson_write(
        tmp_path / "zones.geojson",
        [
            feature({"ZONA": "Ж-1"}, square(71.370, 42.900)),
            feature({"ZONA": "проект"}, None),
            feature({"ZONA": "О-1"}, {"type": "Polygon", "coordinates": []}),
            feature({"ZONA": "Р-1"}, square(71.372, 42.900)),
        ],
    )

    report = file_import(upload, layer_create())

    assert report["feature_count"] == 4
    assert report["geometry"]["null"] == 1
    assert report["geometry"]["empty"] == 1
    assert Feature.objects.count() == 4
    without = Feature.objects.filter(geometry__isnull=True).order_by("fid")
    assert [f.attributes["ZONA"] for f in without] == ["проект", "О-1"]


def test_a_ring_left_open_is_kept_and_reported_not_passed_off_as_null(tmp_path):
    open_ring = {"type": "Polygon", "coordinates": [[[71.37, 42.9], [71.38, 42.9], [71.38, 42.91]]]}
    upload = geojson_write(
        tmp_path / "zones.geojson",
        [feature({"ZONA": "Ж-1"}, square(71.370, 42.900)), feature({"ZONA": "Ж-2"}, open_ring)],
    )

    report = file_import(upload, layer_create())

    assert report["feature_count"] == 2
    assert report["geometry"]["null"] == 0
    assert report["geometry"]["unrepairable"] == 1
    assert Feature.objects.filter(attributes__ZONA="Ж-2").exists()


def test_heights_are_dropped_and_counted(tmp_path):
    upload = geojson_write(
        tmp_path / "wells.geojson",
        [
            feature({"N": 1}, {"type": "Point", "coordinates": [71.37, 42.90, 612.5]}),
            feature({"N": 2}, {"type": "Point", "coordinates": [71.38, 42.90]}),
        ],
    )

    report = file_import(upload, layer_create())

    assert report["geometry"]["z_dropped"] == 1
    assert not any(f.geometry.hasz for f in Feature.objects.all())


def test_lines_become_multilines_and_a_mixed_layer_says_so(tmp_path):
    upload = geojson_write(
        tmp_path / "red-lines.geojson",
        [
            feature(
                {"N": 1}, {"type": "LineString", "coordinates": [[71.37, 42.9], [71.38, 42.9]]}
            ),
            feature({"N": 2}, {"type": "Point", "coordinates": [71.37, 42.9]}),
        ],
    )

    report = file_import(upload, layer_create())

    assert report["geometry"]["promoted_to_multi"] == 1
    assert report["geometry"]["types"] == {"MultiLineString": 1, "Point": 1}
    assert report["geometry_type"] == "Mixed"


def test_a_single_point_layer_imports_with_an_extent(tmp_path):
    upload = geojson_write(
        tmp_path / "akimat.geojson",
        [feature({"NAME": "Әкімдік"}, {"type": "Point", "coordinates": [71.3667, 42.9]})],
    )

    file_import(upload, layer_create())

    version = LayerVersion.objects.get()
    assert version.extent is not None
    assert version.extent.extent == pytest.approx((71.3667, 42.9, 71.3667, 42.9))
