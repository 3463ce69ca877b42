"""Coordinate systems: never guessed, the planner's choice obeyed, Pulkovo 1942 shifted the
Kazakh way (EPSG:1291)."""

import geopandas as gpd
import pytest
import shapely
from django.core.management import CommandError, call_command
from django.utils.translation import override
from pyproj import Geod, Transformer
from pyproj.crs import CoordinateOperation

from geodata.importing.core import ImportOptions
from geodata.importing.errors import CrsRequired, ImportRejected
from geodata.importing.inspection import source_inspect
from geodata.models import Feature, Layer, LayerVersion, Plan
from geodata.samples import TARAZ_GK12
from tests.geodata.files import (
    ESRI_GK12_PRJ,
    file_import,
    frame_zip,
    layer_create,
    parcels_zip,
    zip_rewrite,
)

pytestmark = pytest.mark.django_db

GK12_PROJ = (
    "+proj=tmerc +lat_0=0 +lon_0=69 +k=1 +x_0=12500000 +y_0=0 +ellps=krass "
    "+towgs84=15,-130,-84,0,0,0,0 +units=m +no_defs"
)
# EPSG:1291 written out from DOMAIN.md (dx=15, dy=-130, dz=-84), not asked of the app.
GK12_TO_WGS84_KAZAKHSTAN = (
    "+proj=pipeline "
    "+step +inv +proj=tmerc +lat_0=0 +lon_0=69 +k=1 +x_0=12500000 +y_0=0 +ellps=krass "
    "+step +proj=push +v_3 "
    "+step +proj=cart +ellps=krass "
    "+step +proj=helmert +x=15 +y=-130 +z=-84 "
    "+step +inv +proj=cart +ellps=WGS84 "
    "+step +proj=pop +v_3 "
    "+step +proj=unitconvert +xy_in=rad +xy_out=deg"
)


def taraz_point_zip(tmp_path, **options):
    """One point at Taraz's centre in Pulkovo 1942 / GK zone 12 (EPSG:28412)."""
    frame = gpd.GeoDataFrame(
        {"NAME": ["центр"]}, geometry=[shapely.Point(*TARAZ_GK12)], crs="EPSG:28412"
    )
    return frame_zip(frame, tmp_path, name="центр", **options)


def stored_point() -> tuple[float, float]:
    point = Feature.objects.get().geometry
    assert point.srid == 4326
    return point.x, point.y


def epsg_1291_from_the_registry(easting: float, northing: float) -> tuple[float, float]:
    """GK zone 12 to Pulkovo 1942 degrees, then the EPSG registry's operation 1291."""
    lon, lat = Transformer.from_crs("EPSG:28412", "EPSG:4284", always_xy=True).transform(
        easting, northing
    )
    operation = CoordinateOperation.from_authority("EPSG", "1291")
    assert "Kazakhstan" in operation.area_of_use.name
    lat, lon = Transformer.from_pipeline(operation.to_proj4()).transform(lat, lon)  # lat first
    return lon, lat


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    return Geod(ellps="WGS84").inv(a[0], a[1], b[0], b[1])[2]


def test_without_a_prj_the_preview_asks_for_a_coordinate_system(tmp_path):
    upload = parcels_zip(tmp_path, 5, keep_prj=False)

    inspection = source_inspect(upload, upload.name, ImportOptions())

    assert inspection["crs"]["required"] is True
    assert inspection["crs"]["chosen"] is None
    assert inspection["crs"]["declared"] is None
    assert inspection["preview"] is None
    assert "EPSG:28412" in [choice["code"] for choice in inspection["crs"]["choices"]]
    assert len(inspection["rows"]) == 5  # the attributes still show


def test_without_a_prj_the_import_is_refused_until_a_crs_is_given(tmp_path):
    upload = parcels_zip(tmp_path, 5, keep_prj=False)
    layer = layer_create()

    with override("en"), pytest.raises(CrsRequired) as refused:
        file_import(upload, layer)

    assert str(refused.value) == (
        "The file does not say its coordinate system (no .prj). Choose one, e.g. EPSG:28412, "
        "or give a PROJ string."
    )
    assert LayerVersion.objects.count() == 0

    report = file_import(upload, layer, crs="EPSG:28412")

    assert report["crs"] == "EPSG:28412"
    assert LayerVersion.objects.get().source_crs == "EPSG:28412"


def test_the_command_without_crs_tells_the_operator_to_use_crs(tmp_path):
    upload = parcels_zip(tmp_path, 5, keep_prj=False)

    with override("en"), pytest.raises(CommandError) as refused:
        call_command("import_layer", str(upload), "--plan", "pdp-1", "--layer", "zones")

    assert "no .prj" in str(refused.value)
    assert "Use --crs, for example --crs EPSG:28412" in str(refused.value)
    assert not Plan.objects.exists()


def test_the_command_with_crs_imports_a_file_without_prj(tmp_path, capsys):
    upload = parcels_zip(tmp_path, 5, keep_prj=False)

    with override("en"):
        call_command(
            "import_layer",
            str(upload),
            "--plan",
            "pdp-1",
            "--layer",
            "zones",
            "--crs",
            "EPSG:28412",
            "--commit",
        )

    version = LayerVersion.objects.get(layer__plan__slug="pdp-1", layer__slug="zones")
    assert not version.is_current  # imported, not public until someone publishes it
    assert version.source_crs == "EPSG:28412"
    assert version.feature_count == 5
    assert "Imported: pdp-1/zones version 1" in capsys.readouterr().out


def test_a_proj_string_is_accepted_for_a_local_system(tmp_path):
    upload = taraz_point_zip(tmp_path, keep_prj=False)

    report = file_import(upload, layer_create(), crs=GK12_PROJ)

    expected = Transformer.from_pipeline(GK12_TO_WGS84_KAZAKHSTAN).transform(*TARAZ_GK12)
    assert report["feature_count"] == 1
    assert stored_point() == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("garbage", ["Тараз МСК", "EPSG:999999", "+proj=nonsense +x=1"])
def test_text_proj_does_not_understand_gets_a_clear_message(tmp_path, garbage):
    upload = parcels_zip(tmp_path, 5, keep_prj=False)

    with override("en"), pytest.raises(ImportRejected) as refused:
        file_import(upload, layer_create(), crs=garbage)

    assert str(refused.value) == (
        f"“{garbage}” is not a coordinate system PROJ understands. Give an EPSG code "
        "(EPSG:28412) or a PROJ string (+proj=tmerc +lat_0=0 +lon_0=69 ...)."
    )
    assert LayerVersion.objects.count() == 0


def test_a_height_system_is_not_taken_for_a_map_projection(tmp_path):
    upload = parcels_zip(tmp_path, 5, keep_prj=False)

    with override("en"), pytest.raises(ImportRejected) as refused:
        file_import(upload, layer_create(), crs="EPSG:5773")

    assert str(refused.value) == "“EPSG:5773” is not a horizontal coordinate system."


def test_the_command_passes_on_the_proj_refusal(tmp_path):
    upload = parcels_zip(tmp_path, 5, keep_prj=False)

    with override("en"), pytest.raises(CommandError) as refused:
        call_command("import_layer", str(upload), "--plan", "p", "--layer", "l", "--crs", "МСК")

    assert "“МСК” is not a coordinate system PROJ understands" in str(refused.value)


def test_pulkovo_1942_is_shifted_with_the_kazakhstan_operation(tmp_path):
    upload = taraz_point_zip(tmp_path)

    report = file_import(upload, layer_create())

    kazakhstan = Transformer.from_pipeline(GK12_TO_WGS84_KAZAKHSTAN).transform(*TARAZ_GK12)
    proj_default = Transformer.from_crs("EPSG:28412", "EPSG:4326", always_xy=True).transform(
        *TARAZ_GK12
    )
    assert kazakhstan == pytest.approx(epsg_1291_from_the_registry(*TARAZ_GK12), abs=1e-8)
    assert report["crs"] == "EPSG:28412"
    assert stored_point() == pytest.approx(kazakhstan, abs=1e-5)
    # PROJ's own first choice lands metres away: the test tells the two apart.
    assert metres_between(kazakhstan, proj_default) > 1
    assert metres_between(stored_point(), proj_default) > 1
    assert metres_between(stored_point(), kazakhstan) < 0.01


def test_an_esri_prj_for_pulkovo_gauss_kruger_is_read(tmp_path):
    upload = zip_rewrite(
        taraz_point_zip(tmp_path),
        tmp_path / "esri.zip",
        lambda name, data: ESRI_GK12_PRJ.encode() if name.endswith(".prj") else data,
    )

    inspection = source_inspect(upload, upload.name, ImportOptions())
    file_import(upload, layer_create())

    assert inspection["crs"]["declared"] == "EPSG:28412"
    assert inspection["crs"]["required"] is False
    kazakhstan = Transformer.from_pipeline(GK12_TO_WGS84_KAZAKHSTAN).transform(*TARAZ_GK12)
    assert stored_point() == pytest.approx(kazakhstan, abs=1e-5)


def test_the_preview_warns_when_a_wrong_crs_puts_taraz_outside_kazakhstan(tmp_path):
    upload = parcels_zip(tmp_path, 5, keep_prj=False)

    with override("en"):
        inspection = source_inspect(upload, upload.name, ImportOptions(crs="EPSG:32642"))

    assert (
        "With this coordinate system the features land outside Kazakhstan. Check the "
        "coordinate system." in inspection["warnings"]
    )


def test_the_preview_shows_the_parcels_in_degrees_over_taraz(tmp_path):
    upload = parcels_zip(tmp_path, 9)

    with override("en"):
        inspection = source_inspect(upload, upload.name, ImportOptions())

    assert not [w for w in inspection["warnings"] if "outside Kazakhstan" in w]
    west, south, east, north = shapely.total_bounds(
        [shapely.geometry.shape(f["geometry"]) for f in inspection["preview"]["features"]]
    )
    assert 71.36 < west < east < 71.38
    assert 42.89 < south < north < 42.91
    assert Layer.objects.count() == 0  # inspecting writes nothing


def test_a_krassowsky_proj_string_without_a_shift_gets_a_warning(tmp_path):
    upload = parcels_zip(tmp_path, 5, keep_prj=False)
    without_shift = GK12_PROJ.replace("+towgs84=15,-130,-84,0,0,0,0 ", "")

    with override("en"):
        warned = source_inspect(upload, upload.name, ImportOptions(crs=without_shift))
        fine = source_inspect(upload, upload.name, ImportOptions(crs=GK12_PROJ))

    assert any("+towgs84=15,-130,-84" in warning for warning in warned["warnings"])
    assert not any("towgs84" in warning for warning in fine["warnings"])
