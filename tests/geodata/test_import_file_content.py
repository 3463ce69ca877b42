"""Files are opened by what they are: an OGR VRT or a KML under another name is refused.

The attacker's files: a ".geojson" and a ".gpkg" that are OGR VRTs pointing at a local CSV
(standing for /etc/passwd or the server's configuration), and a KML with an entity named
".geojson". Each goes through the web upload, the API and the command: refused, nothing
written, the published version still what the public sees.
"""

import re
from pathlib import Path

import pyogrio
import pyogrio.errors
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils.translation import override

from geodata.importing.checks import gdal_driver_identify
from geodata.models import Feature, ImportJob, LayerVersion
from tests.geodata.files import file_import, layer_create, parcels_zip

pytestmark = pytest.mark.django_db

SECRET = "SECRET_FROM_THE_SERVER"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def secret_csv(tmp_path: Path) -> Path:
    """A local file the attacker wants in a public layer: rows with points over Taraz."""
    target = tmp_path / "server-secrets.csv"
    target.write_text(f"name,lon,lat\n{SECRET},71.37,42.9\nDB_PASSWORD=hunter2,71.38,42.91\n")
    return target


def vrt_pointing_at(csv: Path) -> str:
    return (
        "<OGRVRTDataSource>\n"
        '  <OGRVRTLayer name="stolen">\n'
        f"    <SrcDataSource>{csv}</SrcDataSource>\n"
        f"    <SrcLayer>{csv.stem}</SrcLayer>\n"
        "    <GeometryType>wkbPoint</GeometryType>\n"
        "    <LayerSRS>EPSG:4326</LayerSRS>\n"
        '    <GeometryField encoding="PointFromColumns" x="lon" y="lat"/>\n'
        "  </OGRVRTLayer>\n"
        "</OGRVRTDataSource>\n"
    )


KML_WITH_ENTITY = (
    '<?xml version="1.0"?>\n'
    '<!DOCTYPE kml [<!ENTITY secret SYSTEM "file:///etc/hostname">]>\n'
    '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>'
    "<name>&secret;</name><Point><coordinates>71.37,42.9</coordinates></Point>"
    "</Placemark></Document></kml>\n"
)


def attacker_file(tmp_path: Path, kind: str) -> Path:
    if kind == "vrt-as-geojson":
        path = tmp_path / "zones.geojson"
        path.write_text(vrt_pointing_at(secret_csv(tmp_path)))
    elif kind == "vrt-as-gpkg":
        path = tmp_path / "zones.gpkg"
        path.write_text(vrt_pointing_at(secret_csv(tmp_path)))
    else:
        path = tmp_path / "zones.geojson"
        path.write_text(KML_WITH_ENTITY)
    return path


ATTACKS = ["vrt-as-geojson", "vrt-as-gpkg", "kml-as-geojson"]


@pytest.fixture
def published(tmp_path):
    """Version 1 of the layer, published: what the public sees before the attack."""
    layer = layer_create("pdp-taraz", "zones")
    file_import(parcels_zip(tmp_path, 4, zip_name="v1.zip"), layer)
    return layer


def assert_nothing_written(layer) -> None:
    assert ImportJob.objects.count() == 0
    assert list(LayerVersion.objects.values_list("number", "is_current")) == [(1, True)]
    assert Feature.objects.count() == 4
    assert not Feature.objects.filter(attributes__icontains=SECRET).exists()


def test_gdal_can_no_longer_open_a_vrt_whatever_its_name(tmp_path):
    # What made the attack work: GDAL picks the driver by content, not by the suffix. The
    # OGR VRT driver is gone from the GDAL that reads uploads: nothing identifies it.
    for kind in ("vrt-as-geojson", "vrt-as-gpkg"):
        attack = attacker_file(tmp_path, kind)
        assert gdal_driver_identify(attack) is None
        with pytest.raises(pyogrio.errors.DataSourceError):
            pyogrio.read_info(attack)


@pytest.mark.parametrize("kind", ATTACKS)
def test_the_upload_page_refuses_a_file_that_is_not_what_its_name_says(
    staff_client, tmp_path, published, kind
):
    client, _user = staff_client("planner")
    attack = attacker_file(tmp_path, kind)
    upload = SimpleUploadedFile(attack.name, attack.read_bytes())

    response = client.post("/en/staff/imports/new/", {"file": upload})

    assert response.status_code == 400
    page = response.content.decode()
    assert SECRET not in page
    if kind == "kml-as-geojson":
        assert "declares XML entities" in page
    else:
        assert "its content is no map format GDAL knows" in page
    assert_nothing_written(published)
    # The public still sees version 1, whole.
    items = client.get("/ogc/collections/pdp-taraz.zones/items").json()
    assert items["numberMatched"] == 4
    assert SECRET not in str(items)


@pytest.mark.parametrize("kind", ATTACKS)
def test_the_api_refuses_a_file_that_is_not_what_its_name_says(
    staff_client, tmp_path, published, kind
):
    client, _user = staff_client("planner")
    attack = attacker_file(tmp_path, kind)

    response = client.post(
        "/api/imports/",
        {"file": SimpleUploadedFile(attack.name, attack.read_bytes())},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 422
    assert SECRET not in response.content.decode()
    assert_nothing_written(published)


@pytest.mark.parametrize("kind", ATTACKS)
def test_the_command_refuses_a_file_that_is_not_what_its_name_says(tmp_path, published, kind):
    attack = attacker_file(tmp_path, kind)

    with override("en"), pytest.raises(CommandError) as refused:
        call_command(
            "import_layer",
            str(attack),
            "--plan",
            "pdp-taraz",
            "--layer",
            "zones",
            "--commit",
            "--publish",
        )

    message = str(refused.value)
    assert "its content is no map format GDAL knows" in message or "XML entities" in message
    assert_nothing_written(published)


def test_a_real_geojson_and_geopackage_still_import(tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point

    frame = gpd.GeoDataFrame({"code": ["Ж-1"]}, geometry=[Point(71.37, 42.9)], crs=4326)
    frame.to_file(tmp_path / "wells.geojson", driver="GeoJSON")
    frame.to_file(tmp_path / "wells.gpkg", driver="GPKG")
    layer = layer_create("pdp-taraz", "wells")

    assert file_import(tmp_path / "wells.geojson", layer)["feature_count"] == 1
    assert file_import(tmp_path / "wells.gpkg", layer)["feature_count"] == 1


def test_a_kml_named_geojson_is_refused_for_what_it_is(tmp_path, published):
    attack = tmp_path / "zones.geojson"
    attack.write_text(
        KML_WITH_ENTITY.replace(
            '<!DOCTYPE kml [<!ENTITY secret SYSTEM "file:///etc/hostname">]>\n', ""
        ).replace("&secret;", "A")
    )

    with override("en"), pytest.raises(CommandError) as refused:
        call_command("import_layer", str(attack), "--plan", "pdp-taraz", "--layer", "zones")

    assert re.search("named as a GeoJSON file but its content is (LIB)?KML", str(refused.value))
    assert_nothing_written(published)
