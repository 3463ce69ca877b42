"""The import core: features of a parcels layer version become registry parcels."""

from decimal import Decimal

import pytest
from django.db import connection

from parcels.errors import ParcelImportRefused
from parcels.importing.mapping import ColumnMapping
from parcels.models import Parcel
from parcels.services import parcel_status_set
from staff.models import AuditEntry
from tests.parcels.factories import (
    MAPPING,
    purpose,
    registry_import,
    rows_of,
    settlement_make,
    version_make,
)

pytestmark = pytest.mark.django_db


def test_good_rows_become_parcels_with_their_addresses_area_purpose_and_plan(tmp_path):
    rows = rows_of(3)
    rows[1]["NAZNACH"] = "ЛПХ"
    version = version_make(tmp_path, rows)

    report = registry_import(version)

    assert (report.total, report.created, report.refused) == (3, 3, [])
    parcel = Parcel.objects.get(cadastral_number="06-097-001-000")
    assert parcel.address_kk == "Тараз қ., Төле би к-сі, 1"
    assert parcel.address_ru == "г. Тараз, ул. Толе би, 1"
    assert parcel.area_ha == Decimal("0.1000")
    assert parcel.purpose.code == "izhs"  # "ИЖС" is the abbreviation in the purpose's name
    assert Parcel.objects.get(cadastral_number="06-097-001-001").purpose.code == "lph"
    assert parcel.status == Parcel.Status.FREE
    assert parcel.category == Parcel.Category.SETTLEMENTS
    assert parcel.plan == version.layer.plan
    assert (parcel.source_version, parcel.source_fid) == (version, 0)
    entry = AuditEntry.objects.get(action="parcels.import")
    assert entry.after["created"] == 3 and entry.object_id == str(version.pk)


def test_without_an_area_column_the_area_is_measured_on_the_ellipsoid(tmp_path):
    version = version_make(tmp_path, rows_of(1))
    mapping = ColumnMapping(cadastral_number="KAD_NOMER")

    report = registry_import(version, mapping=mapping, purpose=purpose("izhs"))

    assert report.area_computed == 1
    # 27 m x 27 m in Gauss-Krüger zone 12, about 2.4° off its meridian (scale ≈ 1.0009).
    assert Decimal("0.0725") <= Parcel.objects.get().area_ha <= Decimal("0.0731")


def test_obvious_separators_are_mended_and_categories_read_by_name(tmp_path):
    rows = rows_of(4)
    rows[0]["KAD_NOMER"] = "06 097 001 000"
    rows[1]["KAD_NOMER"] = "06.097.001.001"
    rows[2]["KAD_NOMER"] = "06097001002"
    rows[3]["KAD_NOMER"] = " 06–097–001–003 "
    for row, category in zip(
        rows, ["Земли населённых пунктов", "Земли запаса", "reserve", ""], strict=True
    ):
        row["KATEGOR"] = category
    version = version_make(tmp_path, rows)

    report = registry_import(
        version, mapping=ColumnMapping(**{**MAPPING.as_dict(), "category": "KATEGOR"})
    )

    assert report.refused == []
    assert dict(Parcel.objects.values_list("cadastral_number", "category")) == {
        "06-097-001-000": "settlements",
        "06-097-001-001": "reserve",
        "06-097-001-002": "reserve",
        "06-097-001-003": "settlements",
    }


def test_bad_rows_are_refused_with_their_row_and_reason_and_the_rest_imported(tmp_path):
    rows = rows_of(8)
    rows[1]["KAD_NOMER"] = "06-97-1-1"
    rows[2]["KAD_NOMER"] = ""
    rows[3]["KAD_NOMER"] = rows[4]["KAD_NOMER"] = "06-097-001-099"
    rows[5]["PLOSHAD"] = -1.0
    rows[6]["NAZNACH"] = "Автостоянка"
    rows[7]["geometry"] = None
    version = version_make(tmp_path, rows)

    report = registry_import(version)

    refused = {row.row: row.reason for row in report.refused}
    assert refused == {
        2: "“06-97-1-1” is not a cadastral number of the form NN-NNN-NNN-NNN.",
        3: "The cadastral number is empty.",
        4: "The cadastral number 06-097-001-099 is also in row(s) 5 of the file.",
        5: "The cadastral number 06-097-001-099 is also in row(s) 4 of the file.",
        6: "The area -1.0000 ha is not possible for a parcel.",
        7: "The target purpose “Автостоянка” matches no purpose: add it to the table of values.",
        8: "The feature has no boundary.",
    }
    assert [row.fid for row in report.refused] == [1, 2, 3, 4, 5, 6, 7]
    assert list(Parcel.objects.values_list("cadastral_number", flat=True)) == ["06-097-001-000"]


def test_a_table_of_values_and_a_default_purpose_place_the_unmatched(tmp_path):
    rows = rows_of(3)
    rows[0]["NAZNACH"] = "для ИЖС"
    rows[1]["NAZNACH"] = "Автостоянка"
    rows[2]["NAZNACH"] = ""
    version = version_make(tmp_path, rows)
    mapping = ColumnMapping(
        **{**MAPPING.as_dict(), "purpose_values": {"для ИЖС": "izhs"}},
    )

    report = registry_import(version, mapping=mapping, purpose=purpose("dacha"))

    assert report.refused == []
    assert dict(Parcel.objects.values_list("cadastral_number", "purpose__code")) == {
        "06-097-001-000": "izhs",
        "06-097-001-001": "dacha",
        "06-097-001-002": "dacha",
    }


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (
            ColumnMapping(cadastral_number="CADNUM"),
            "The layer has no column “CADNUM”. Its columns are: KAD_NOMER, ADRES_KZ, ADRES_RU, "
            "PLOSHAD, NAZNACH.",
        ),
        (ColumnMapping(cadastral_number=""), "Say which column holds the cadastral number."),
        (
            ColumnMapping(cadastral_number="KAD_NOMER"),
            "Choose the target purpose of the parcels, or the column that holds it.",
        ),
        (
            ColumnMapping(
                cadastral_number="KAD_NOMER", purpose="NAZNACH", purpose_values={"ИЖС": "housing"}
            ),
            "Unknown target purpose code(s): housing. Known codes: dacha, gardening, izhs, lph.",
        ),
    ],
)
def test_a_bad_mapping_is_refused_whole_and_writes_nothing(tmp_path, mapping, message):
    version = version_make(tmp_path, rows_of(2))

    with pytest.raises(ParcelImportRefused) as refusal:
        registry_import(version, mapping=mapping)

    assert str(refusal.value) == message
    assert not Parcel.objects.exists()
    assert not AuditEntry.objects.filter(action="parcels.import").exists()


def test_a_dry_run_reports_the_same_and_writes_nothing(tmp_path):
    version = version_make(tmp_path, rows_of(3))

    report = registry_import(version, commit=False)

    assert (report.created, report.committed) == (3, False)
    assert [row["action"] for row in report.preview] == ["new", "new", "new"]
    assert not Parcel.objects.exists()
    assert not AuditEntry.objects.filter(action="parcels.import").exists()


def test_a_re_import_updates_boundary_address_and_area_but_keeps_the_status(tmp_path):
    first = version_make(tmp_path, rows_of(3))
    registry_import(first)
    allocated = Parcel.objects.get(cadastral_number="06-097-001-001")
    parcel_status_set(parcel=allocated, status=Parcel.Status.ALLOCATED, reason="test")
    old_boundary = allocated.geometry
    rows = rows_of(4)
    rows[1]["ADRES_RU"] = "г. Тараз, ул. Толе би, 2А"
    rows[1]["PLOSHAD"] = 0.12
    rows[1]["NAZNACH"] = "ЛПХ"  # an allocated plot keeps the purpose it was offered for
    second = version_make(tmp_path, rows, layer=first.layer, shift=5.0)

    report = registry_import(second)

    allocated.refresh_from_db()
    assert allocated.status == Parcel.Status.ALLOCATED
    assert allocated.address_ru == "г. Тараз, ул. Толе би, 2А"
    assert allocated.area_ha == Decimal("0.1200")
    assert allocated.purpose.code == "izhs"
    assert not allocated.geometry.equals_exact(old_boundary, 1e-9)
    assert allocated.source_version == second
    assert (report.created, report.updated, report.status_kept) == (1, 3, 1)


def test_an_unchanged_re_import_changes_nothing(tmp_path):
    version = version_make(tmp_path, rows_of(2))
    registry_import(version)

    report = registry_import(version)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)


def test_a_number_registered_in_another_settlement_is_refused(tmp_path):
    version = version_make(tmp_path, rows_of(2))
    registry_import(version, settlement=settlement_make("shu"))

    report = registry_import(version)

    assert [row.reason for row in report.refused] == [
        "This cadastral number is registered in another settlement (Shu).",
    ] * 2
    assert not Parcel.objects.filter(settlement__slug="taraz").exists()


def test_a_database_error_half_way_leaves_nothing_written(tmp_path):
    version = version_make(tmp_path, rows_of(2))
    registry_import(version)
    # The database refuses to update one parcel (as a concurrent constraint would): the new
    # parcels are inserted before the updates, so this fails after some rows were written.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION parcel_refuse() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'refused' USING ERRCODE = '23514'; END $$ LANGUAGE plpgsql;
            CREATE TRIGGER parcel_refuse BEFORE UPDATE ON parcels_parcel FOR EACH ROW
            WHEN (NEW.cadastral_number = '06-097-001-001') EXECUTE FUNCTION parcel_refuse();
            """
        )
    rows = rows_of(5)
    rows[1]["ADRES_RU"] = "changed"
    second = version_make(tmp_path, rows, layer=version.layer)

    with pytest.raises(ParcelImportRefused, match="Nothing was written"):
        registry_import(second)

    assert Parcel.objects.count() == 2
    assert Parcel.objects.get(cadastral_number="06-097-001-001").address_ru.endswith("Толе би, 2")
    assert AuditEntry.objects.filter(action="parcels.import").count() == 1
