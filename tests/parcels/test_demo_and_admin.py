"""The demo registry loads twice without adding anything; the admin edits purposes."""

import pytest
from django.core.management import call_command

from parcels.models import LandPurpose, Parcel
from staff.models import AuditEntry


@pytest.mark.django_db(transaction=True)
def test_load_demo_twice_adds_the_parcels_once(capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    assert "400 new parcel(s)" in first
    statuses = {status: Parcel.objects.filter(status=status).count() for status in Parcel.Status}
    assert statuses["reserved"] > 0 and statuses["allocated"] > 0
    assert Parcel.objects.filter(settlement__slug="taraz", purpose__code="izhs").count() == 400
    assert not Parcel.objects.filter(address_ru="").exists()

    call_command("load_demo")

    assert "0 new parcel(s)" in capsys.readouterr().out
    assert Parcel.objects.count() == 400
    again = {status: Parcel.objects.filter(status=status).count() for status in Parcel.Status}
    assert again == statuses


@pytest.mark.django_db
def test_a_planner_renames_a_purpose_in_the_admin_and_it_is_audited(staff_client):
    client, _planner = staff_client("planner")
    purpose = LandPurpose.objects.get(code="gardening")

    response = client.post(
        f"/en/admin/parcels/landpurpose/{purpose.pk}/change/",
        {
            "name_kk": "Бағбандық",
            "name_ru": "Садоводство (коллективное)",
            "name_en": "Gardening",
            "standard_area_ha": "0.12",
        },
    )

    assert response.status_code == 302
    purpose.refresh_from_db()
    assert purpose.name_ru == "Садоводство (коллективное)"
    assert purpose.code == "gardening"  # read-only once given
    entry = AuditEntry.objects.get(action="update", object_type="parcels.landpurpose")
    assert entry.after["name_ru"] == "Садоводство (коллективное)"


@pytest.mark.django_db
def test_the_parcel_admin_shows_the_offline_map_and_no_status_field(staff_client, tmp_path):
    from tests.parcels.factories import registry_import, rows_of, version_make

    registry_import(version_make(tmp_path, rows_of(1)))
    client, _planner = staff_client("planner")
    parcel = Parcel.objects.get()

    page = client.get(f"/en/admin/parcels/parcel/{parcel.pk}/change/").content.decode()

    assert "vendor/ol/ol" in page  # OpenLayers from the portal, not a CDN
    assert 'name="status"' not in page  # statuses change through the queue services only
    assert client.get("/en/admin/parcels/parcel/").status_code == 200
