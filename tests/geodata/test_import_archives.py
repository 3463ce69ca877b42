"""Hostile and broken uploads: each is refused with a message the planner can act on,
and nothing is written."""

import os
import struct
import tempfile
import uuid
import zipfile
from pathlib import Path

import pytest
from django.utils.translation import override

from geodata.importing.core import ImportOptions
from geodata.importing.errors import ImportRejected
from geodata.importing.inspection import source_inspect
from geodata.models import Feature, LayerVersion
from tests.geodata.files import (
    cut_in_half,
    file_import,
    kml_text,
    layer_create,
    parcels_zip,
    without_suffix,
    zip_member,
    zip_members,
    zip_rewrite,
    zip_with_cp866_names,
    zip_write,
)

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
PASSWD_ENTITY = '<!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'


def refusal_of(path: Path) -> str:
    """The English message of the refusal of `path`, after checking nothing was written."""
    layer = layer_create()
    with override("en"), pytest.raises(ImportRejected) as refused:
        file_import(path, layer)
    assert LayerVersion.objects.count() == 0
    assert Feature.objects.count() == 0
    with override("en"):
        return str(refused.value)


def test_a_text_file_named_zip_is_not_a_zip_archive(tmp_path):
    upload = tmp_path / "plan.zip"
    upload.write_text("these are not the parcels you are looking for")

    assert refusal_of(upload) == (
        "“plan.zip” is not a zip archive (or it is damaged). Zip the files again."
    )


def test_an_entry_climbing_out_of_the_archive_is_refused_and_never_written(tmp_path):
    escapee = f"evil-{uuid.uuid4().hex}.shp"
    upload = zip_write(tmp_path / "plan.zip", {f"../{escapee}": b"x" * 100})

    message = refusal_of(upload)

    assert message == (
        f"The archive holds a file that points outside it (../{escapee}). It was refused."
    )
    assert not (Path(tempfile.gettempdir()) / escapee).exists()


def test_a_windows_style_climbing_entry_is_refused_too(tmp_path):
    upload = zip_write(tmp_path / "plan.zip", {"..\\..\\evil.shp": b"x"})

    assert "points outside it (..\\..\\evil.shp)" in refusal_of(upload)


@pytest.mark.parametrize("name", ["/etc/x.shp", "C:/Windows/x.shp"])
def test_an_entry_with_an_absolute_path_is_refused(tmp_path, name):
    upload = zip_write(tmp_path / "plan.zip", {name: b"x"})

    assert refusal_of(upload) == (
        f"The archive holds a file with an absolute path ({name}). It was refused."
    )


def test_a_symbolic_link_entry_is_refused(tmp_path):
    upload = tmp_path / "plan.zip"
    with zipfile.ZipFile(upload, "w") as archive:
        link = zipfile.ZipInfo("участки.shp")
        link.external_attr = 0o120777 << 16
        archive.writestr(link, "/etc/passwd")

    assert refusal_of(upload) == (
        "The archive holds a symbolic link (участки.shp). Links are refused."
    )


def test_a_zip_bomb_by_compression_ratio_is_refused(tmp_path):
    upload = zip_write(tmp_path / "plan.zip", {"участки.dbf": bytes(5 * MB)})
    assert zipfile.ZipFile(upload).infolist()[0].compress_size < 50_000  # really a bomb

    assert refusal_of(upload) == (
        "The archive is compressed more than 100 times (участки.dbf): it looks like a zip "
        "bomb and was refused."
    )


def test_an_archive_bigger_than_the_unpacked_limit_is_refused(tmp_path, settings):
    settings.RGIS_IMPORT_MAX_UNPACKED_MB = 1
    # Random bytes do not compress: only the size limit can catch this one.
    upload = zip_write(tmp_path / "plan.zip", {"участки.dbf": os.urandom(2 * MB)})

    assert refusal_of(upload) == (
        "Unpacked, the archive would exceed 1 MB. Split it into smaller files."
    )


def test_an_entry_whose_header_understates_its_size_is_refused(tmp_path, settings):
    settings.RGIS_IMPORT_MAX_UNPACKED_MB = 1
    honest = zip_write(tmp_path / "honest.zip", {"участки.dbf": os.urandom(3 * MB)})
    forged = bytearray(honest.read_bytes())
    # Claim 1000 bytes unpacked, in the local header and in the central directory.
    struct.pack_into("<I", forged, 22, 1000)
    struct.pack_into("<I", forged, forged.rfind(b"PK\x01\x02") + 24, 1000)
    upload = tmp_path / "plan.zip"
    upload.write_bytes(forged)

    assert refusal_of(upload) in (
        "The archive “plan.zip” is damaged and cannot be unpacked.",
        "Unpacked, the archive would exceed 1 MB.",
    )


def test_an_archive_with_too_many_entries_is_refused(tmp_path, settings):
    settings.RGIS_IMPORT_MAX_ZIP_ENTRIES = 5
    upload = zip_write(tmp_path / "plan.zip", {f"part{n}.txt": b"x" for n in range(6)})

    assert refusal_of(upload) == "The archive holds 6 files; at most 5 are accepted."


def test_a_shp_cut_in_half_is_refused_with_its_sizes(tmp_path):
    whole = parcels_zip(tmp_path, 40)
    upload = zip_rewrite(whole, tmp_path / "cut.zip", cut_in_half(".shp"))
    declared = len(zip_member(whole, ".shp"))

    assert refusal_of(upload) == (
        f"“участки.shp” is cut short: {declared // 2} of {declared} bytes. The file was "
        "damaged in copying; export or copy it again."
    )


def test_a_shx_cut_short_is_refused(tmp_path):
    upload = zip_rewrite(parcels_zip(tmp_path, 40), tmp_path / "cut.zip", cut_in_half(".shx"))

    assert refusal_of(upload).startswith("“участки.shx” is cut short:")


def test_a_dbf_missing_records_is_refused(tmp_path):
    upload = zip_rewrite(parcels_zip(tmp_path, 40), tmp_path / "cut.zip", cut_in_half(".dbf"))

    assert refusal_of(upload) == ("“участки.dbf” is cut short: some attribute records are missing.")


@pytest.mark.parametrize("part", [".shx", ".dbf"])
def test_a_shapefile_without_a_part_names_the_missing_part(tmp_path, part):
    upload = zip_rewrite(parcels_zip(tmp_path), tmp_path / "partial.zip", without_suffix(part))

    assert refusal_of(upload) == (
        f"The shapefile “участки.shp” has no {part} file. Zip the .shp, .shx, .dbf and .prj "
        "together and upload again."
    )


def test_an_archive_with_dbf_shx_and_prj_but_no_shp_asks_for_the_shp(tmp_path):
    upload = zip_rewrite(parcels_zip(tmp_path), tmp_path / "no-shp.zip", without_suffix(".shp"))

    assert refusal_of(upload) == (
        "The archive has no .shp file: the shapefile is incomplete. Add the .shp."
    )


def test_an_archive_without_map_data_says_what_is_expected(tmp_path):
    upload = zip_write(tmp_path / "plan.zip", {"readme.txt": b"see attached"})

    assert refusal_of(upload).startswith("No map data was found in the upload.")


def _passwd_head() -> str:
    return Path("/etc/passwd").read_text().splitlines()[0]


@pytest.mark.parametrize("text_encoding", ["utf-8", "utf-16"])
def test_a_kml_declaring_entities_is_refused_before_any_entity_is_read(tmp_path, text_encoding):
    upload = tmp_path / "plan.kml"
    text = kml_text([("&x;", 71.37, 42.90)], doctype=PASSWD_ENTITY)
    upload.write_bytes(text.replace("UTF-8", text_encoding.upper()).encode(text_encoding))

    message = refusal_of(upload)

    assert message.startswith("The KML file declares XML entities (a DOCTYPE).")
    with override("en"), pytest.raises(ImportRejected) as preview_refused:
        source_inspect(upload, "plan.kml", ImportOptions())
    for seen in (message, str(preview_refused.value)):
        assert _passwd_head() not in seen
        assert "root:" not in seen


def test_a_kmz_holding_a_kml_with_entities_is_refused(tmp_path):
    doc = kml_text([("&x;", 71.37, 42.90)], doctype=PASSWD_ENTITY)
    upload = zip_write(tmp_path / "plan.kmz", {"doc.kml": doc.encode()})

    assert refusal_of(upload).startswith("The KML file declares XML entities (a DOCTYPE).")


def test_an_unknown_file_type_is_refused_with_the_accepted_ones(tmp_path):
    upload = tmp_path / "ПДП пояснительная записка.docx"
    upload.write_bytes(b"PK\x03\x04 a word document")

    assert refusal_of(upload) == (
        "Files of type “.docx” are not accepted. Upload a zipped shapefile, a GeoPackage "
        "(.gpkg), GeoJSON or KML/KMZ."
    )


def test_a_bare_shp_upload_asks_for_a_zip_of_all_parts(tmp_path):
    upload = tmp_path / "участки.shp"
    upload.write_bytes(zip_member(parcels_zip(tmp_path), ".shp"))

    assert refusal_of(upload) == (
        "A shapefile is several files. Put the .shp, .shx, .dbf and .prj (and .cpg, if there "
        "is one) into one zip archive and upload that."
    )


def test_mac_resource_forks_beside_the_shapefile_are_ignored(tmp_path):
    whole = parcels_zip(tmp_path, 8)
    entries = zip_members(whole)
    for name in list(entries):
        entries[f"__MACOSX/{name.replace('участки', '._участки')}"] = b"\x00\x05\x16\x07 junk"
    upload = zip_write(tmp_path / "from-a-mac.zip", entries)

    report = file_import(upload, layer_create())

    assert report["source_layer"] == "Тараз ПДП/участки.shp"
    assert report["feature_count"] == 8


def test_cp866_member_names_without_the_utf8_flag_are_read_as_cyrillic(tmp_path):
    upload = zip_with_cp866_names(parcels_zip(tmp_path, 12), tmp_path / "dos.zip")
    stored = zipfile.ZipFile(upload).infolist()
    assert not any(info.flag_bits & 0x800 for info in stored)
    assert "участки" not in stored[0].filename  # any unzipper without cp866 shows mojibake

    inspection = source_inspect(upload, "dos.zip", ImportOptions())
    report = file_import(upload, layer_create())

    assert inspection["layer"] == "Тараз ПДП/участки.shp"
    assert inspection["layers"] == ["Тараз ПДП/участки.shp"]
    assert report["source_layer"] == "Тараз ПДП/участки.shp"
    assert report["feature_count"] == 12
    assert LayerVersion.objects.get().source_layer == "Тараз ПДП/участки.shp"
