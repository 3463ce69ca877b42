"""The `parcels_import` command: a dry run unless --commit, the same core and report."""

import io

import pytest
from django.core.management import CommandError, call_command

from geodata.models import LayerVersion, Plan
from geodata.samples import shapefile_zip
from parcels.models import Parcel
from staff.models import AuditEntry
from tests.parcels.factories import parcels_frame, rows_of, settlement_make, version_make

pytestmark = pytest.mark.django_db

MAPPING_ARGS = [
    "--cadastral-number=KAD_NOMER",
    "--address-kk=ADRES_KZ",
    "--address-ru=ADRES_RU",
    "--area=PLOSHAD",
    "--purpose-column=NAZNACH",
    "--settlement=taraz",
]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("parcels_import", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_by_default_then_commit(tmp_path):
    settlement_make()
    rows = rows_of(3)
    rows[2]["KAD_NOMER"] = "12345"
    version_make(tmp_path, rows)

    output = run("--layer=test-pdp.parcels", *MAPPING_ARGS)

    assert "Dry run (nothing kept)" in output
    assert "new: 2" in output
    assert "row 3 (fid 2) 12345: “12345” is not a cadastral number" in output
    assert not Parcel.objects.exists()

    output = run("--layer=test-pdp.parcels", *MAPPING_ARGS, "--commit")

    assert output.startswith("Imported: test-pdp/parcels v1")
    assert Parcel.objects.count() == 2
    assert AuditEntry.objects.filter(action="parcels.import").count() == 1


# Kazakh letters do not exist in cp1251: such an office's file has Russian addresses only.
CP1251_ARGS = [arg for arg in MAPPING_ARGS if not arg.startswith("--address-kk")]


def test_a_file_goes_through_the_layer_import_core_first(tmp_path):
    settlement_make()
    archive = shapefile_zip(
        parcels_frame(rows_of(2)), tmp_path / "участки.zip", encoding="cp1251"
    )  # cp1251 without .cpg, as district offices send it

    output = run("--layer=new-pdp.parcels", f"--file={archive}", "--encoding=cp1251", *CP1251_ARGS)

    assert "new: 2" in output
    assert not Plan.objects.filter(slug="new-pdp").exists()  # the dry run kept nothing
    assert not LayerVersion.objects.exists()

    run(
        "--layer=new-pdp.parcels",
        f"--file={archive}",
        "--encoding=cp1251",
        *CP1251_ARGS,
        "--commit",
    )

    parcel = Parcel.objects.get(cadastral_number="06-097-001-000")
    assert parcel.address_ru == "г. Тараз, ул. Толе би, 1"  # read as cp1251
    assert parcel.plan.slug == "new-pdp"
    assert parcel.source_version.layer.kind == "parcels"


def test_refusals_are_command_errors(tmp_path):
    settlement_make()
    version_make(tmp_path, rows_of(1))

    with pytest.raises(CommandError, match="The layer has no column “CADNUM”"):
        run("--layer=test-pdp.parcels", "--settlement=taraz", "--cadastral-number=CADNUM")
    with pytest.raises(CommandError, match="No settlement with code almaty"):
        run("--layer=test-pdp.parcels", "--settlement=almaty", "--cadastral-number=KAD_NOMER")
    with pytest.raises(CommandError, match="No version 7 of layer test-pdp.parcels"):
        run("--layer=test-pdp.parcels", "--layer-version=7", *MAPPING_ARGS)
