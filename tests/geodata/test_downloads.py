"""Downloads of a version as GeoPackage, zipped shapefile and GeoJSON, opened again by GDAL."""

import io
import json
import re
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from django.contrib.gis.db.models.functions import AsWKB
from django.core.cache import cache
from pyproj import CRS, Transformer
from pyproj.crs import CoordinateOperation

from geodata.downloads.writers import unique_field_names
from geodata.models import Feature, Layer, LayerVersion, Plan
from geodata.samples import TARAZ_GK12, parcel_grid, shapefile_zip
from geodata.services import layer_get_or_create, plan_get_or_create
from tests.geodata.files import feature, file_import, geojson_write, layer_create, square

pytestmark = pytest.mark.django_db

NAZVANIE = "Жилая зона индивидуальной застройки"
ATAUY = "Жеке тұрғын үй аймағы"
OFFERED = ["EPSG:4326", "EPSG:3857", "EPSG:28412", "EPSG:32642"]
# EPSG:28412 with the three translations of EPSG:1291 as +towgs84: the expected Pulkovo
# coordinates, computed without the code under test.
GK12_WITH_1291 = (
    "+proj=tmerc +lat_0=0 +lon_0=69 +k=1 +x_0=12500000 +y_0=0 +ellps=krass "
    "+towgs84=15,-130,-84,0,0,0,0 +units=m +no_defs"
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The columns of a version are cached: a test must not see another test's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def parcels(tmp_path) -> Layer:
    """A draft ПДП's parcels: version 1 has 60 parcels (UTF-8 DBF), version 2 has 40."""
    plan, _ = plan_get_or_create(slug="pdp-aulie-ata", name_kk="Әулиеата ЕЖЖ", name_ru="ПДП")
    layer, _ = layer_get_or_create(
        plan=plan, slug="parcels", kind=Layer.Kind.PARCELS, name_kk="Учаскелер", name_ru="Участки"
    )
    first = shapefile_zip(parcel_grid(60), tmp_path / "v1.zip", encoding="utf-8", keep_cpg=True)
    file_import(first, layer)
    file_import(shapefile_zip(parcel_grid(40), tmp_path / "v2.zip"), layer)
    return layer


def _url(layer: Layer, number: int, file_format: str, crs: str | None = None) -> str:
    query = f"?crs={crs}" if crs else ""
    return f"/en/plans/{layer.plan.slug}/{layer.slug}/v{number}/download/{file_format}/{query}"


def _download(client, url: str, target):
    """GET `url`, check it is a cacheable attachment, and save the body at `target`."""
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert response["Cache-Control"] == "public, max-age=86400"
    target.write_bytes(b"".join(response.streaming_content))
    return response


def _download_to(client, url: str, tmp_path, name: str):
    target = tmp_path / name
    _download(client, url, target)
    return target


def _stored(version: LayerVersion) -> list[tuple[dict, shapely.Geometry]]:
    """The version's features as stored (WGS 84, the storage SRID of the tests), in file order."""
    rows = (
        Feature.objects.filter(version=version)
        .order_by("fid")
        .annotate(wkb=AsWKB("geometry"))
        .values_list("attributes", "wkb")
    )
    return [(attributes, shapely.from_wkb(bytes(wkb))) for attributes, wkb in rows]


def _same_attributes(frame, stored: list[tuple[dict, shapely.Geometry]]) -> None:
    assert len(frame) == len(stored)
    for name in stored[0][0]:
        expected = [attributes[name] for attributes, _geometry in stored]
        if isinstance(expected[0], float):
            assert np.allclose(frame[name].to_numpy(dtype=float), expected)
        else:
            assert frame[name].tolist() == expected, name


def _version(layer: Layer, number: int) -> LayerVersion:
    return layer.versions.get(number=number)


# The three formats, in the storage CRS (WGS 84)


def test_geopackage_holds_every_feature_and_attribute(client, parcels, tmp_path):
    path = tmp_path / "download.gpkg"
    response = _download(client, _url(parcels, 1, "gpkg"), path)

    assert response["Content-Type"] == "application/geopackage+sqlite3"
    assert response["Content-Disposition"] == (
        'attachment; filename="pdp-aulie-ata-parcels-v1.gpkg"'
    )
    info = pyogrio.read_info(path)
    assert info["crs"] == "EPSG:4326"
    assert info["features"] == _version(parcels, 1).feature_count == 60
    assert info["layer_name"] == "parcels"
    assert info["geometry_type"] == "MultiPolygon"
    assert list(info["fields"]) == ["KAD_NOMER", "ZONA", "NAZVANIE", "ATAUY", "PLOSHAD"]
    assert list(info["dtypes"]) == ["object", "object", "object", "object", "float64"]
    frame = pyogrio.read_dataframe(path)
    stored = _stored(_version(parcels, 1))
    _same_attributes(frame, stored)
    assert frame["NAZVANIE"][0] == NAZVANIE
    assert frame["ATAUY"][0] == ATAUY
    assert all(
        shapely.equals_exact(got, expected, tolerance=1e-9)
        for got, (_attributes, expected) in zip(frame.geometry, stored, strict=True)
    )


def test_zipped_shapefile_is_utf8_with_every_part(client, parcels, tmp_path):
    path = tmp_path / "download.zip"
    response = _download(client, _url(parcels, 1, "shp"), path)

    assert response["Content-Type"] == "application/zip"
    assert 'filename="pdp-aulie-ata-parcels-v1.zip"' in response["Content-Disposition"]
    with zipfile.ZipFile(path) as archive:
        names = sorted(archive.namelist())
        cpg = archive.read("pdp-aulie-ata-parcels-v1.cpg").decode()
        dbf = archive.read("pdp-aulie-ata-parcels-v1.dbf")
        archive.extractall(tmp_path / "unzipped")
    stem = "pdp-aulie-ata-parcels-v1"
    parts = [f"{stem}.{ext}" for ext in ("shp", "shx", "dbf", "prj", "cpg")]
    assert names == sorted([*parts, "README.txt"])
    assert cpg.strip() == "UTF-8"
    assert NAZVANIE.encode("utf-8") in dbf  # the DBF itself is UTF-8, not cp1251
    shp = tmp_path / "unzipped" / f"{stem}.shp"
    info = pyogrio.read_info(shp)
    assert info["crs"] == "EPSG:4326"
    assert info["encoding"] == "UTF-8"
    assert info["features"] == 60
    frame = pyogrio.read_dataframe(shp)
    _same_attributes(frame, _stored(_version(parcels, 1)))
    assert frame["NAZVANIE"][0] == NAZVANIE


def test_geojson_is_rfc7946_lon_lat(client, parcels, tmp_path):
    path = tmp_path / "download.geojson"
    response = _download(client, _url(parcels, 1, "geojson"), path)

    assert response["Content-Type"] == "application/geo+json"
    assert 'filename="pdp-aulie-ata-parcels-v1.geojson"' in response["Content-Disposition"]
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["type"] == "FeatureCollection"
    assert "crs" not in document
    first = document["features"][0]
    assert first["id"] == 0
    assert list(first["properties"]) == ["KAD_NOMER", "ZONA", "NAZVANIE", "ATAUY", "PLOSHAD"]
    ring = first["geometry"]["coordinates"][0][0]
    assert shapely.LinearRing(ring).is_ccw  # exterior rings counterclockwise (RFC 7946)
    lon, lat = ring[0]
    assert 71.2 < lon < 71.5 and 42.8 < lat < 43.0  # Taraz, longitude first
    info = pyogrio.read_info(path)
    assert info["crs"] == "EPSG:4326"
    assert info["features"] == 60
    frame = pyogrio.read_dataframe(path)
    stored = _stored(_version(parcels, 1))
    _same_attributes(frame, stored)
    assert all(
        shapely.hausdorff_distance(got, expected) < 1e-6  # 7 decimals of a degree
        for got, (_attributes, expected) in zip(frame.geometry, stored, strict=True)
    )


# Coordinate systems


def test_the_kazakhstan_operation_is_what_the_expected_values_use():
    operation = CoordinateOperation.from_authority("EPSG", "1291")
    values = {param.name: param.value for param in operation.params}
    assert (values["X-axis translation"], values["Y-axis translation"]) == (15.0, -130.0)
    assert values["Z-axis translation"] == -84.0
    # PROJ's own pick for WGS 84 -> EPSG:28412 lands metres away: the tests below can fail.
    lon, lat = 71.3667, 42.8983
    ours = Transformer.from_crs(CRS.from_epsg(4326), CRS(GK12_WITH_1291), always_xy=True)
    proj_default = Transformer.from_crs(4326, 28412, always_xy=True)
    assert np.hypot(*np.subtract(ours.transform(lon, lat), proj_default.transform(lon, lat))) > 1.0


@pytest.mark.parametrize("file_format", ["gpkg", "shp"])
def test_pulkovo_downloads_use_the_kazakhstan_datum_shift(client, parcels, tmp_path, file_format):
    target = tmp_path / f"download.{file_format}"
    response = _download(client, _url(parcels, 1, file_format, "EPSG:28412"), target)

    extension = "gpkg" if file_format == "gpkg" else "zip"
    disposition = response["Content-Disposition"]
    assert f'filename="pdp-aulie-ata-parcels-v1-epsg28412.{extension}"' in disposition
    path = target
    if file_format == "shp":
        with zipfile.ZipFile(target) as archive:
            archive.extractall(tmp_path / "unzipped")
            readme = archive.read("README.txt").decode()
        path = tmp_path / "unzipped" / "pdp-aulie-ata-parcels-v1-epsg28412.shp"
        assert "EPSG:28412" in readme and "EPSG:1291" in readme
    assert pyogrio.read_info(path)["crs"] == "EPSG:28412"
    frame = pyogrio.read_dataframe(path)
    stored = _stored(_version(parcels, 1))
    to_pulkovo = Transformer.from_crs(CRS.from_epsg(4326), CRS(GK12_WITH_1291), always_xy=True)
    for got, (_attributes, wgs84) in zip(frame.geometry, stored, strict=True):
        expected = shapely.transform(wgs84, lambda c: np.column_stack(to_pulkovo.transform(*c.T)))
        assert shapely.hausdorff_distance(got, expected) < 1e-3
    # and the parcels are back near where the district office drew them (12 693 630, 4 754 396)
    x, y = frame.geometry.union_all().centroid.coords[0]
    assert abs(x - 12_693_630) < 200 and abs(y - 4_754_396) < 200


@pytest.mark.parametrize("srid", [3857, 32642])
def test_other_offered_systems(client, parcels, tmp_path, srid):
    path = tmp_path / "download.gpkg"
    response = _download(client, _url(parcels, 2, "gpkg", f"EPSG:{srid}"), path)

    disposition = response["Content-Disposition"]
    assert f'filename="pdp-aulie-ata-parcels-v2-epsg{srid}.gpkg"' in disposition
    assert pyogrio.read_info(path)["crs"] == f"EPSG:{srid}"
    frame = pyogrio.read_dataframe(path)
    project = Transformer.from_crs(4326, srid, always_xy=True)
    for got, (_attributes, wgs84) in zip(
        frame.geometry, _stored(_version(parcels, 2)), strict=True
    ):
        expected = shapely.transform(wgs84, lambda c: np.column_stack(project.transform(*c.T)))
        assert shapely.hausdorff_distance(got, expected) < 1e-3


def test_asking_for_the_storage_system_gives_the_default_file(client, parcels, tmp_path):
    response = _download(client, _url(parcels, 2, "gpkg", "epsg:4326"), tmp_path / "a.gpkg")

    assert 'filename="pdp-aulie-ata-parcels-v2.gpkg"' in response["Content-Disposition"]


def test_geojson_in_another_system_is_refused(client, parcels):
    response = client.get(_url(parcels, 1, "geojson", "EPSG:28412"))

    assert response.status_code == 400
    assert "Content-Disposition" not in response
    text = response.content.decode()
    assert "GeoJSON is always in WGS 84 longitude and latitude (EPSG:4326)" in text
    assert "Download a GeoPackage or a shapefile to get EPSG:28412." in text


@pytest.mark.parametrize("crs", ["EPSG:2000", "EPSG:28472", "wgs84", "EPSG:", "28412"])
@pytest.mark.parametrize("file_format", ["gpkg", "geojson"])
def test_an_unknown_system_is_refused_with_the_offered_ones(client, parcels, crs, file_format):
    response = client.get(_url(parcels, 1, file_format, crs))

    assert response.status_code == 400
    text = response.content.decode()
    assert f"“{crs}” is not a coordinate system offered for downloads." in text
    assert "Choose one of: EPSG:4326, EPSG:3857, EPSG:28412, EPSG:32642." in text


# Which version, which format


def test_an_unknown_format_or_version_is_not_found(client, parcels):
    assert client.get(_url(parcels, 1, "kml")).status_code == 404
    assert client.get(_url(parcels, 3, "gpkg")).status_code == 404
    assert client.get("/en/plans/pdp-aulie-ata/roads/v1/download/gpkg/").status_code == 404


def test_downloads_are_get_only_and_public(client, parcels):
    assert client.post(_url(parcels, 1, "gpkg")).status_code == 405
    assert client.get(_url(parcels, 1, "gpkg")).status_code == 200  # nobody signed in


def test_an_earlier_version_downloads_its_own_features(client, parcels, tmp_path):
    old = pyogrio.read_dataframe(_download_to(client, _url(parcels, 1, "geojson"), tmp_path, "1"))
    new = pyogrio.read_dataframe(_download_to(client, _url(parcels, 2, "geojson"), tmp_path, "2"))

    assert not _version(parcels, 1).is_current
    assert len(old) == 60 and len(new) == 40
    assert old["KAD_NOMER"].iloc[-1] == "06-097-000-059"
    assert "ATAUY" not in new.columns  # version 2's DBF was cp1251: no Kazakh letters


def test_versions_of_an_archived_plan_stay_downloadable(client, parcels, tmp_path):
    Plan.objects.filter(pk=parcels.plan_id).update(status=Plan.Status.ARCHIVED)

    path = _download_to(client, _url(parcels, 2, "shp"), tmp_path, "archived")

    with zipfile.ZipFile(path) as archive:
        assert "pdp-aulie-ata-parcels-v2.shp" in archive.namelist()


def test_a_download_takes_a_few_queries(client, parcels, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(_url(parcels, 1, "gpkg", "EPSG:28412"))
        body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert body.startswith(b"SQLite format 3")


# Attributes a shapefile cannot hold as they are


@pytest.fixture
def long_names(tmp_path) -> Layer:
    """A GeoJSON with attribute names too long for a DBF, nulls and a 300-byte text.

    Integers and booleans have no nulls here: the import core reads such a column with a
    null as floats (2.0, 1.0), and a download types a column by what is stored.
    """
    layer = layer_create("pdp-saulet", "parcels")
    upload = geojson_write(
        tmp_path / "участки.geojson",
        [
            feature(
                {
                    "KADASTROVYI_NOMER": "06-097-001-001",
                    "KADASTROVYI_NOMER_STARYI": "06-097-000-101",
                    "Назначение участка": NAZVANIE,
                    "ETAZHNOST": 2,
                    "PLOSHAD": 0.0729,
                    "ZHILOI": True,
                    "PRIMECHANIE": "Я" * 150,
                },
                square(71.36, 42.89),
            ),
            feature(
                {
                    "KADASTROVYI_NOMER": "06-097-001-002",
                    "KADASTROVYI_NOMER_STARYI": None,
                    "Назначение участка": "Общественно-деловая зона",
                    "ETAZHNOST": 5,
                    "PLOSHAD": None,
                    "ZHILOI": False,
                    "PRIMECHANIE": None,
                },
                square(71.37, 42.89),
            ),
        ],
    )
    file_import(upload, layer)
    return layer


def test_long_names_are_cut_uniquely_and_listed_in_the_readme(client, long_names, tmp_path):
    path = _download_to(client, _url(long_names, 1, "shp"), tmp_path, "long.zip")

    with zipfile.ZipFile(path) as archive:
        readme = archive.read("README.txt").decode("utf-8")
        archive.extractall(tmp_path / "unzipped")
    shp = tmp_path / "unzipped" / "pdp-saulet-parcels-v1.shp"
    frame = pyogrio.read_dataframe(shp)
    assert list(frame.columns) == [
        "KADASTROVY",
        "KADASTRO_1",
        "Назна",  # ten bytes of UTF-8
        "ETAZHNOST",
        "PLOSHAD",
        "ZHILOI",
        "PRIMECHANI",
        "geometry",
    ]
    assert frame["KADASTROVY"].tolist() == ["06-097-001-001", "06-097-001-002"]
    assert frame["KADASTRO_1"].tolist()[0] == "06-097-000-101"
    assert frame["Назна"].tolist() == [NAZVANIE, "Общественно-деловая зона"]
    assert "KADASTROVYI_NOMER → KADASTROVY" in readme
    assert "KADASTROVYI_NOMER_STARYI → KADASTRO_1" in readme
    assert "Назначение участка → Назна" in readme
    assert "PRIMECHANIE → PRIMECHANI" in readme
    assert "ETAZHNOST →" not in readme
    assert "longer values were cut in: PRIMECHANI" in readme
    assert frame["PRIMECHANI"][0] == "Я" * 127  # 254 bytes of UTF-8


def test_columns_are_typed_and_nulls_stay_missing(client, long_names, tmp_path):
    path = _download_to(client, _url(long_names, 1, "gpkg"), tmp_path, "typed.gpkg")

    info = pyogrio.read_info(path)
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert types["ETAZHNOST"] == "OFTInteger64"
    assert types["PLOSHAD"] == "OFTReal"
    assert types["ZHILOI"] == "OFTInteger"  # GeoPackage booleans: integers of subtype boolean
    assert dict(zip(info["fields"], info["ogr_subtypes"], strict=True))["ZHILOI"] == "OFSTBoolean"
    assert types["Назначение участка"] == "OFTString"  # full names in a GeoPackage
    frame = pyogrio.read_dataframe(path)
    assert frame["ETAZHNOST"].tolist() == [2, 5]
    assert frame["ZHILOI"].tolist() == [True, False]
    assert frame["KADASTROVYI_NOMER_STARYI"].isna().tolist() == [False, True]
    assert frame["PLOSHAD"].isna().tolist() == [False, True]
    assert frame["PRIMECHANIE"][0] == "Я" * 150


def test_unique_field_names_ignore_case_and_keep_names_that_fit():
    names = unique_field_names(
        ["zona", "ZONA", "KADASTROVYI_NOMER", "KADASTROVY", "Назначение"], max_bytes=10
    )

    assert names == {
        "zona": "zona",
        "ZONA": "ZONA_1",
        "KADASTROVYI_NOMER": "KADASTRO_1",  # "KADASTROVY" is another attribute's own name
        "KADASTROVY": "KADASTROVY",
        "Назначение": "Назна",
    }
    assert all(len(short.encode()) <= 10 for short in names.values())


# Mixed geometries


@pytest.fixture
def mixed(tmp_path) -> Layer:
    layer = layer_create("pdp-saulet", "objects")
    point = {"type": "Point", "coordinates": [71.365, 42.895]}
    upload = geojson_write(
        tmp_path / "objects.geojson",
        [feature({"NAME": "Мектеп"}, point), feature({"NAME": "Саябақ"}, square(71.36, 42.89))],
    )
    file_import(upload, layer)
    return layer


def test_a_mixed_version_is_no_shapefile_but_a_geopackage(client, mixed, tmp_path):
    refused = client.get(_url(mixed, 1, "shp"))
    path = _download_to(client, _url(mixed, 1, "gpkg"), tmp_path, "mixed.gpkg")
    geojson = _download_to(client, _url(mixed, 1, "geojson"), tmp_path, "mixed.geojson")

    assert refused.status_code == 400
    text = refused.content.decode()
    assert (
        "A shapefile holds one kind of geometry, but this version has MultiPolygon, Point." in text
    )
    assert "Download it as a GeoPackage" in text
    frame = pyogrio.read_dataframe(path)
    assert sorted(frame.geometry.geom_type) == ["MultiPolygon", "Point"]
    assert frame["NAME"].tolist() == ["Мектеп", "Саябақ"]
    assert len(pyogrio.read_dataframe(geojson)) == 2


# The version page


def test_the_version_page_offers_every_format_and_system(client, parcels, tmp_path):
    page = client.get("/en/plans/pdp-aulie-ata/parcels/v1/").content.decode()

    section = page[page.index('<h2 id="download">') :]
    for file_format in ("gpkg", "shp", "geojson"):
        assert f'href="/en/plans/pdp-aulie-ata/parcels/v1/download/{file_format}/"' in section
    form = re.search(r"<form method=\"get\".*?</form>", section, flags=re.S).group(0)
    assert 'action="/en/plans/pdp-aulie-ata/parcels/v1/download/gpkg/"' in form
    assert 'formaction="/en/plans/pdp-aulie-ata/parcels/v1/download/shp/"' in form
    offered = re.findall(r'<option value="([^"]*)"', form)
    assert offered == ["", *OFFERED]
    for value in offered:  # every choice of the form is a download the view makes
        response = client.get(_url(parcels, 1, "shp", value or None))
        assert response.status_code == 200
        assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).testzip() is None


def test_the_download_section_is_translated(client, parcels):
    page = client.get("/ru/plans/pdp-aulie-ata/parcels/v1/").content.decode()

    assert "WGS 84, градусы (EPSG:4326)" in page


def test_whole_numbers_and_yes_no_fields_with_empty_values_stay_what_they_are(client, tmp_path):
    """A GeoPackage's integer and boolean fields with empty values: not turned into floats."""
    x, y = TARAZ_GK12
    frame = gpd.GeoDataFrame(
        {
            "FLOORS": pd.array([2, None, 5], dtype="Int64"),
            "PRIVATE": pd.array([True, None, False], dtype="boolean"),
        },
        geometry=[shapely.box(x + n * 50, y, x + n * 50 + 40, y + 40) for n in range(3)],
        crs="EPSG:28412",
    )
    upload = tmp_path / "buildings.gpkg"
    frame.to_file(upload, driver="GPKG", engine="pyogrio")
    layer = layer_create(layer="buildings")
    file_import(upload, layer)

    stored = sorted(
        (feature.attributes for feature in Feature.objects.filter(version__layer=layer)),
        key=lambda attributes: attributes["FLOORS"] or 0,
    )
    # As JSON text: 2 == 2.0 and True == 1.0 in Python, not in the stored document.
    assert [json.dumps(attributes) for attributes in stored] == [
        '{"FLOORS": null, "PRIVATE": null}',
        '{"FLOORS": 2, "PRIVATE": true}',
        '{"FLOORS": 5, "PRIVATE": false}',
    ]
    path = tmp_path / "download.gpkg"
    url = f"/en/plans/{layer.plan.slug}/{layer.slug}/v1/download/gpkg/"
    assert _download(client, url, path).status_code == 200
    assert pyogrio.read_info(path)["dtypes"][0] == "int64"
