"""DBF text encodings: detected when no .cpg says, obeyed when the planner chooses."""

import pytest
from django.core.management import call_command
from django.utils.translation import override

from geodata.importing.core import ImportOptions
from geodata.importing.errors import EncodingRequired
from geodata.importing.inspection import source_inspect
from geodata.models import Feature, LayerVersion
from geodata.samples import parcel_grid
from tests.geodata.files import file_import, frame_zip, layer_create, parcels_zip, zip_rewrite

pytestmark = pytest.mark.django_db

RUSSIAN = "Жилая зона индивидуальной застройки"
KAZAKH = "Жеке тұрғын үй аймағы"
# ә ғ қ ң ө ұ ү һ і, none of which cp1251 has.
EVERY_KAZAKH_LETTER = "Шаһардың Сәулет, Шапағат, Қонаев, Төле би, Ұлы дала, Жібек жолы, үй 5"


def first_attributes() -> dict:
    return Feature.objects.get(fid=0).attributes


@pytest.mark.parametrize("encoding", ["cp1251", "cp866", "utf-8"])
def test_russian_text_without_a_cpg_is_detected_and_imported_readable(tmp_path, encoding):
    upload = parcels_zip(tmp_path, 20, encoding=encoding)

    inspection = source_inspect(upload, upload.name, ImportOptions())
    report = file_import(upload, layer_create())

    assert inspection["encoding"]["declared"] is None
    assert inspection["encoding"]["detected"] == encoding
    assert inspection["rows"][0]["NAZVANIE"] == RUSSIAN
    assert report["encoding"] == encoding
    assert first_attributes()["NAZVANIE"] == RUSSIAN
    assert first_attributes()["ZONA"] == "Ж-1"


def test_a_detected_single_byte_encoding_is_flagged_for_the_planner_to_check(tmp_path):
    upload = parcels_zip(tmp_path, 5, encoding="cp1251")

    with override("en"):
        inspection = source_inspect(upload, upload.name, ImportOptions())

    assert inspection["encoding"]["certain"] is False
    assert inspection["warnings"] == [
        "The encoding was detected, not declared: check that the sample text reads right."
    ]
    cp1251_sample = next(c for c in inspection["encoding"]["candidates"] if c["code"] == "cp1251")
    assert RUSSIAN in cp1251_sample["sample"]


def test_kazakh_letters_in_kz1048_are_detected_as_kz1048(tmp_path):
    frame = parcel_grid(20)
    frame["ADDRESS"] = EVERY_KAZAKH_LETTER
    upload = frame_zip(frame, tmp_path, encoding="kz1048")

    inspection = source_inspect(upload, upload.name, ImportOptions())
    report = file_import(upload, layer_create())

    assert inspection["encoding"]["detected"] == "kz1048"
    assert report["encoding"] == "kz1048"
    assert LayerVersion.objects.get().source_encoding == "kz1048"
    assert first_attributes()["ADDRESS"] == EVERY_KAZAKH_LETTER
    assert first_attributes()["ATAUY"] == KAZAKH
    assert first_attributes()["NAZVANIE"] == RUSSIAN


def test_a_cpg_written_by_gdal_for_kz1048_is_obeyed(tmp_path):
    # GDAL writes the iconv name, "RK1048", into the .cpg.
    upload = parcels_zip(tmp_path, 5, encoding="kz1048", keep_cpg=True)

    inspection = source_inspect(upload, upload.name, ImportOptions())
    report = file_import(upload, layer_create())

    assert inspection["encoding"]["declared"] == "kz1048"
    assert inspection["encoding"]["certain"] is True
    assert inspection["encoding"]["conflict"] is False
    assert report["encoding"] == "kz1048"
    assert first_attributes()["ATAUY"] == KAZAKH


def test_the_planners_encoding_is_obeyed_even_against_the_detection(tmp_path):
    upload = parcels_zip(tmp_path, 5, encoding="cp1251")

    report = file_import(upload, layer_create(), encoding="cp866")

    assert report["encoding"] == "cp866"
    assert LayerVersion.objects.get().source_encoding == "cp866"
    # Exactly what the planner asked for: cp1251 bytes read as cp866.
    assert first_attributes()["NAZVANIE"] == RUSSIAN.encode("cp1251").decode("cp866")


def test_the_command_takes_the_encoding(tmp_path, capsys):
    upload = parcels_zip(tmp_path, 5, encoding="cp866")

    with override("en"):
        call_command(
            "import_layer", str(upload), "--plan", "p", "--layer", "l", "--encoding", "cp866"
        )

    assert "encoding: cp866" in capsys.readouterr().out


def test_an_unknown_encoding_choice_is_refused(tmp_path):
    upload = parcels_zip(tmp_path, 5)

    with override("en"), pytest.raises(EncodingRequired) as refused:
        file_import(upload, layer_create(), encoding="latin-7")

    assert str(refused.value) == (
        "Unknown encoding “latin-7”. Choose one of: utf-8, cp1251, cp866, kz1048."
    )
    assert LayerVersion.objects.count() == 0


def _cpg_saying_utf8(tmp_path):
    upload = parcels_zip(tmp_path, 20, encoding="cp1251", keep_cpg=True)
    return zip_rewrite(
        upload,
        tmp_path / "lying-cpg.zip",
        lambda name, data: b"UTF-8" if name.endswith(".cpg") else data,
    )


def test_a_cpg_that_lies_is_shown_as_a_conflict_in_the_preview(tmp_path):
    upload = _cpg_saying_utf8(tmp_path)

    with override("en"):
        inspection = source_inspect(upload, upload.name, ImportOptions())

    assert inspection["encoding"]["conflict"] is True
    assert inspection["encoding"]["declared"] == "utf-8"
    assert inspection["encoding"]["detected"] == "cp1251"
    assert inspection["rows"][0]["NAZVANIE"] == RUSSIAN  # the preview shows the likely text
    assert inspection["warnings"] == [
        "The .cpg file names an encoding the text is not in; check the sample text."
    ]


def test_a_cpg_that_lies_stops_the_import_until_the_planner_chooses(tmp_path):
    upload = _cpg_saying_utf8(tmp_path)
    layer = layer_create()

    with override("en"), pytest.raises(EncodingRequired) as refused:
        file_import(upload, layer)

    assert str(refused.value) == (
        "The .cpg file says the text is utf-8, but it does not read as utf-8; it looks like "
        "cp1251. Choose the encoding."
    )
    assert LayerVersion.objects.count() == 0
    assert Feature.objects.count() == 0

    report = file_import(upload, layer, encoding="cp1251")

    assert report["feature_count"] == 20
    assert first_attributes()["NAZVANIE"] == RUSSIAN
