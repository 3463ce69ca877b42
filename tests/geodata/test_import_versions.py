"""Versions: an import is all or nothing, a dry run keeps nothing, and each new version says
what changed against the one before."""

import pandas as pd
import pytest
from django.core.management import call_command
from django.utils.translation import override

from geodata.importing.core import ImportOptions, layer_import
from geodata.importing.errors import ImportRejected
from geodata.models import Feature, Layer, LayerVersion, Plan
from geodata.samples import parcel_grid
from staff.models import AuditEntry
from tests.geodata.files import file_import, frame_zip, layer_create, parcels_zip

pytestmark = pytest.mark.django_db


def cyrillic_after(count: int, ascii_rows: int):
    """Parcels whose first `ascii_rows` records are plain ASCII and the rest Russian."""
    frame = parcel_grid(count)
    frame.loc[: ascii_rows - 1, "ZONA"] = "Zh-1"
    frame.loc[: ascii_rows - 1, "NAZVANIE"] = "Residential, individual houses"
    return frame


@pytest.mark.django_db(transaction=True)
def test_an_import_failing_part_way_leaves_the_previous_version_untouched(tmp_path, settings):
    settings.RGIS_IMPORT_BATCH_SIZE = 10
    layer = layer_create()
    file_import(parcels_zip(tmp_path, 20), layer)
    upload = frame_zip(cyrillic_after(60, ascii_rows=30), tmp_path, zip_name="v2.zip")
    progress: list[int] = []

    with override("en"), pytest.raises(ImportRejected) as refused:
        layer_import(
            upload=upload,
            original_name="v2.zip",
            layer=layer,
            options=ImportOptions(encoding="utf-8"),  # wrong: the DBF is cp1251
            user=None,
            progress=lambda done, total: progress.append(done),
            commit=True,
        )

    assert str(refused.value) == "The text is not in utf-8. Choose another encoding."
    assert max(progress) == 30  # three batches were written before the failure...
    version = LayerVersion.objects.get()  # ...and rolled back with the version row
    assert version.number == 1
    assert version.is_current
    assert Feature.objects.count() == 20
    assert set(Feature.objects.values_list("version", flat=True)) == {version.pk}
    assert AuditEntry.objects.filter(action="layer.import").count() == 1  # v1's only

    retried = file_import(upload, layer, encoding="cp1251")

    assert retried["version"] == 2
    assert retried["feature_count"] == 60
    assert LayerVersion.objects.get(is_current=True).number == 2


def comparable(report: dict) -> dict:
    dropped = ("version_id", "committed", "published", "public_fields", "hidden_fields")
    return {k: v for k, v in report.items() if k not in dropped}


def test_a_dry_run_reports_what_the_import_would_do_and_keeps_nothing(tmp_path):
    layer = layer_create()
    file_import(parcels_zip(tmp_path, 40, zip_name="v1.zip"), layer)
    upload = parcels_zip(tmp_path, 45, invalid_every=9, zip_name="v2.zip")

    dry = file_import(upload, layer, commit=False)

    assert dry["committed"] is False
    assert LayerVersion.objects.get().number == 1
    assert Feature.objects.count() == 40
    assert not AuditEntry.objects.filter(action="layer.import_dry_run").exists()

    real = file_import(upload, layer)

    assert comparable(dry) == comparable(real)
    assert real["version"] == 2
    assert real["feature_count"] == 45
    assert real["geometry"]["repaired"] == 5
    assert real["changes"]["added"] == 5
    assert Feature.objects.count() == 85


def test_the_command_dry_run_creates_no_plan_layer_or_version(tmp_path, capsys):
    upload = parcels_zip(tmp_path, 25, invalid_every=5)

    with override("en"):
        call_command("import_layer", str(upload), "--plan", "pdp-sever", "--layer", "zones")

    out = capsys.readouterr().out
    assert "Dry run (nothing kept): pdp-sever/zones version 1" in out
    assert "features: 25 (MultiPolygon)" in out
    assert "repaired: 5" in out
    assert "encoding: cp1251   CRS: EPSG:28412 -> EPSG:4326" in out
    assert "Run again with --commit to keep it." in out
    assert not Plan.objects.exists()
    assert not Layer.objects.exists()
    assert not LayerVersion.objects.exists()
    assert not Feature.objects.exists()


def test_the_command_with_commit_keeps_the_import_and_audits_it(tmp_path, capsys):
    upload = parcels_zip(tmp_path, 25)

    with override("en"):
        call_command(
            "import_layer", str(upload), "--plan", "pdp-sever", "--layer", "zones", "--commit"
        )

    version = LayerVersion.objects.get(layer__plan__slug="pdp-sever")
    assert version.feature_count == 25
    # Kept, but not public: a plan publisher publishes it (or --publish was given).
    assert not version.is_current and version.published_at is None
    assert Feature.objects.filter(version=version).count() == 25
    assert AuditEntry.objects.filter(action="layer.import", object_id=str(version.pk)).exists()
    out = capsys.readouterr().out
    assert "Imported: pdp-sever/zones version 1" in out
    assert "Not public yet" in out


def revised(v1):
    """v1 with parcels 10–14 removed, three new parcels, and two re-zoned."""
    v2 = v1.drop(index=range(10, 15)).copy()
    v2.loc[[50, 51], "ZONA"] = "Р-1"
    new = v1.loc[[0, 1, 2]].copy()
    new["KAD_NOMER"] = ["06-097-500-001", "06-097-500-002", "06-097-500-003"]
    new = new.set_geometry(v1.loc[[0, 1, 2]].geometry.translate(xoff=2000))
    return pd.concat([v2, new], ignore_index=True).set_crs(v1.crs, allow_override=True)


def test_changes_are_matched_on_the_cadastral_number(tmp_path):
    layer = layer_create()
    v1 = parcel_grid(100)
    first = file_import(frame_zip(v1, tmp_path, zip_name="v1.zip"), layer)

    second = file_import(frame_zip(revised(v1), tmp_path, zip_name="v2.zip"), layer)

    assert first["changes"]["added"] == 100
    assert first["changes"]["previous"] is None
    changes = second["changes"]
    assert changes["key"] == "KAD_NOMER"
    assert changes["previous"] == 1
    assert (changes["added"], changes["removed"], changes["changed"]) == (3, 5, 2)
    assert changes["added_examples"] == ["06-097-500-001", "06-097-500-002", "06-097-500-003"]
    assert changes["removed_examples"] == [f"06-097-000-{n:03d}" for n in range(10, 15)]
    assert changes["changed_examples"] == ["06-097-000-050", "06-097-000-051"]
    # 100 squares of 27 m × 27 m, then 98 of them.
    assert changes["area_before_ha"] == pytest.approx(first["changes"]["area_after_ha"])
    assert changes["area_before_ha"] == pytest.approx(100 * 0.0729, rel=0.005)
    assert changes["area_after_ha"] == pytest.approx(changes["area_before_ha"] * 0.98, rel=1e-3)
    assert LayerVersion.objects.get(number=2).changes == changes


def test_without_an_identifying_attribute_changes_are_counted_by_content(tmp_path):
    layer = layer_create()
    v1 = parcel_grid(100)
    v2 = revised(v1).drop(columns="KAD_NOMER")
    file_import(frame_zip(v1.drop(columns="KAD_NOMER"), tmp_path, zip_name="v1.zip"), layer)

    changes = file_import(frame_zip(v2, tmp_path, zip_name="v2.zip"), layer)["changes"]

    assert changes["key"] is None
    # A re-zoned parcel is one removed and one added when nothing identifies it.
    assert (changes["added"], changes["removed"], changes["changed"]) == (5, 7, 0)


def test_a_new_version_becomes_current_and_the_old_one_is_kept(tmp_path):
    layer = layer_create()
    file_import(parcels_zip(tmp_path, 10, zip_name="v1.zip"), layer)
    file_import(parcels_zip(tmp_path, 12, zip_name="v2.zip"), layer)

    versions = {v.number: v for v in LayerVersion.objects.all()}
    assert not versions[1].is_current
    assert versions[2].is_current
    assert versions[1].features.count() == 10
    assert versions[2].features.count() == 12
