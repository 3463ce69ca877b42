"""GeoPackage, GeoJSON, KML and KMZ go through the same core as zipped shapefiles."""

import geopandas as gpd
import pytest
import shapely
from django.core.management import CommandError, call_command
from django.utils.translation import override

from geodata.importing.core import ImportOptions
from geodata.importing.errors import ImportRejected
from geodata.importing.inspection import source_inspect
from geodata.models import Feature, LayerVersion
from geodata.samples import TARAZ_GK12, parcel_grid
from tests.geodata.files import (
    file_import,
    geojson_write,
    kml_text,
    layer_create,
    parcels_zip,
    square,
    zip_members,
    zip_write,
)

pytestmark = pytest.mark.django_db

PLACES = [
    ("Әкімдік", 71.3667, 42.9000),
    ("Қонаев көшесі", 71.3780, 42.8950),
    ("Сәулет", 71.40, 42.88),
]


def two_layer_geopackage(tmp_path):
    """Zones first, then red lines: the planner wants the second."""
    path = tmp_path / "ПДП Сәулет.gpkg"
    parcel_grid(12).to_file(path, layer="zones", driver="GPKG", engine="pyogrio")
    x, y = TARAZ_GK12
    lines = gpd.GeoDataFrame(
        {"KIND": ["красная линия"] * 3},
        geometry=[shapely.LineString([(x, y + n * 40), (x + 300, y + n * 40)]) for n in range(3)],
        crs="EPSG:28412",
    )
    lines.to_file(path, layer="red_lines", driver="GPKG", engine="pyogrio")
    return path


def test_a_geopackage_layer_is_chosen_by_name(tmp_path):
    upload = two_layer_geopackage(tmp_path)

    inspection = source_inspect(upload, upload.name, ImportOptions())
    report = file_import(upload, layer_create(), source_layer="red_lines")

    assert inspection["layers"] == ["zones", "red_lines"]
    assert inspection["layer"] == "zones"
    assert inspection["feature_count"] == 12
    assert report["format"] == "geopackage"
    assert report["source_layer"] == "red_lines"
    assert report["feature_count"] == 3
    assert report["crs"] == "EPSG:28412"
    assert report["geometry_type"] == "MultiLineString"
    assert {f.attributes["KIND"] for f in Feature.objects.all()} == {"красная линия"}
    assert LayerVersion.objects.get().source_layer == "red_lines"


def test_the_command_takes_the_source_layer(tmp_path, capsys):
    upload = two_layer_geopackage(tmp_path)

    with override("en"):
        call_command(
            "import_layer",
            str(upload),
            "--plan",
            "pdp-saulet",
            "--layer",
            "red-lines",
            "--source-layer",
            "red_lines",
            "--commit",
        )

    assert LayerVersion.objects.get().source_layer == "red_lines"
    assert "source: ПДП Сәулет.gpkg (geopackage, layer red_lines)" in capsys.readouterr().out


def test_the_command_refuses_a_source_layer_the_file_does_not_have(tmp_path):
    upload = two_layer_geopackage(tmp_path)

    with override("en"), pytest.raises(CommandError) as refused:
        call_command(
            "import_layer", str(upload), "--plan", "p", "--layer", "l", "--source-layer", "x"
        )

    assert str(refused.value) == "The upload has no layer “x”. It holds: zones, red_lines."


def test_a_layer_name_the_file_does_not_have_is_refused_not_swapped(tmp_path):
    upload = two_layer_geopackage(tmp_path)

    with override("en"), pytest.raises(ImportRejected) as refused:
        file_import(upload, layer_create(), source_layer="red_line")

    assert str(refused.value) == "The upload has no layer “red_line”. It holds: zones, red_lines."
    assert LayerVersion.objects.count() == 0


def test_a_shapefile_name_the_archive_does_not_have_is_refused(tmp_path):
    upload = parcels_zip(tmp_path, 3)

    with override("en"), pytest.raises(ImportRejected) as refused:
        file_import(upload, layer_create(), source_layer="Тараз ПДП/дороги.shp")

    assert "It holds: Тараз ПДП/участки.shp." in str(refused.value)


def test_an_archive_with_two_shapefiles_offers_both(tmp_path):
    parcels = zip_members(parcels_zip(tmp_path, 4, zip_name="a.zip"))
    zones = zip_members(parcels_zip(tmp_path, 9, zip_name="b.zip", name="зоны"))
    upload = zip_write(tmp_path / "pdp.zip", {**parcels, **zones})

    inspection = source_inspect(upload, upload.name, ImportOptions())
    report = file_import(upload, layer_create(), source_layer="Тараз ПДП/зоны.shp")

    assert inspection["layers"] == ["Тараз ПДП/зоны.shp", "Тараз ПДП/участки.shp"]
    assert inspection["feature_count"] == 9  # the first is shown until the planner picks
    assert report["source_layer"] == "Тараз ПДП/зоны.shp"
    assert report["feature_count"] == 9


def test_geojson_imports_in_degrees_with_its_attributes(tmp_path):
    upload = geojson_write(
        tmp_path / "zones.geojson",
        [
            {
                "type": "Feature",
                "properties": {"ZONA": f"Ж-{n}", "N": n},
                "geometry": square(71.37 + n * 0.002, 42.9),
            }
            for n in range(7)
        ],
    )

    report = file_import(upload, layer_create())

    assert report["format"] == "geojson"
    assert report["source_layer"] == "zones"  # named after the planner's file
    assert report["crs"] == "EPSG:4326"
    assert report["encoding"] == "utf-8"
    assert report["feature_count"] == 7
    assert Feature.objects.get(fid=3).attributes == {"ZONA": "Ж-3", "N": 3}
    west, south, east, north = Feature.objects.get(fid=0).geometry.extent
    assert (west, south) == pytest.approx((71.37, 42.9))


def test_kml_imports_as_wgs84_points_with_their_names(tmp_path):
    upload = tmp_path / "places.kml"
    upload.write_text(kml_text(PLACES), encoding="utf-8")

    report = file_import(upload, layer_create())

    assert report["format"] == "kml"
    assert report["crs"] == "EPSG:4326"
    assert report["feature_count"] == 3
    stored = {f.attributes["Name"]: (f.geometry.x, f.geometry.y) for f in Feature.objects.all()}
    assert stored == {name: pytest.approx((lon, lat)) for name, lon, lat in PLACES}


def test_kmz_imports_the_kml_inside_it(tmp_path):
    upload = zip_write(tmp_path / "places.kmz", {"doc.kml": kml_text(PLACES).encode()})

    inspection = source_inspect(upload, upload.name, ImportOptions())
    report = file_import(upload, layer_create())

    assert inspection["crs"]["required"] is False
    assert report["format"] == "kml"
    assert report["feature_count"] == 3
    assert sorted(Feature.objects.values_list("attributes__Name", flat=True)) == sorted(
        name for name, _lon, _lat in PLACES
    )


def test_a_damaged_geopackage_is_refused(tmp_path):
    upload = tmp_path / "plan.gpkg"
    upload.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)

    with override("en"), pytest.raises(ImportRejected) as refused:
        file_import(upload, layer_create())

    assert str(refused.value) == (
        "“plan.gpkg” cannot be read: it is damaged or not a geopackage file."
    )


def test_a_file_without_features_is_refused_and_the_layer_keeps_its_version(tmp_path):
    layer = layer_create()
    first = geojson_write(
        tmp_path / "zones.geojson",
        [{"type": "Feature", "properties": {"N": 1}, "geometry": square(71.37, 42.9)}],
    )
    file_import(first, layer)
    empty = geojson_write(tmp_path / "empty.geojson", [])

    with override("en"), pytest.raises(ImportRejected, match="The file holds no features"):
        file_import(empty, layer)

    assert LayerVersion.objects.get(layer=layer).is_current
    assert Feature.objects.filter(version__layer=layer).count() == 1
