"""The planners' import page: pick a parcels layer, map its columns, preview, import."""

import pytest

from parcels.models import Parcel
from staff.models import AuditEntry
from tests.parcels.factories import rows_of, settlement_make, version_make

pytestmark = pytest.mark.django_db

URL = "/en/staff/parcels/import/"


def form_data(**overrides: str) -> dict:
    data = {
        "column_cadastral_number": "KAD_NOMER",
        "column_address_kk": "ADRES_KZ",
        "column_address_ru": "ADRES_RU",
        "column_area_ha": "PLOSHAD",
        "column_category": "",
        "column_purpose": "NAZNACH",
        "column_purpose_text_kk": "",
        "column_purpose_text_ru": "",
        "settlement": str(settlement_make().pk),
        "purpose_default": "",
        "purpose_values": "",
    }
    return {**data, **overrides}


def test_a_planner_maps_the_columns_previews_and_imports(staff_client, tmp_path):
    client, planner = staff_client("planner")
    rows = rows_of(3)
    rows[2]["KAD_NOMER"] = "06-097"
    version = version_make(tmp_path, rows)

    page = client.get(URL)
    assert page.status_code == 200
    assert f'<option value="{version.pk}"' in page.text

    page = client.get(URL, {"version": version.pk})
    text = page.content.decode()
    # The cadastral number and address columns are guessed from their names.
    assert '<option value="KAD_NOMER" selected>' in text
    assert '<option value="ADRES_RU" selected>' in text
    assert "г. Тараз, ул. Толе би, 1" in text  # the first rows of the layer

    preview = client.post(f"{URL}?version={version.pk}", {**form_data(), "preview": "1"})
    assert preview.status_code == 200
    assert "Preview: nothing was written yet" in preview.text
    assert "“06-097” is not a cadastral number of the form NN-NNN-NNN-NNN." in preview.text
    assert not Parcel.objects.exists()

    done = client.post(f"{URL}?version={version.pk}", {**form_data(), "import": "1"})
    assert done.status_code == 200
    assert "Imported: 2 new parcels, 0 updated, 1 rows refused." in done.text
    assert Parcel.objects.count() == 2
    entry = AuditEntry.objects.get(action="parcels.import")
    assert entry.actor == planner


def test_a_refused_mapping_is_shown_on_the_form(staff_client, tmp_path):
    client, _planner = staff_client("planner")
    version = version_make(tmp_path, rows_of(1))

    page = client.post(
        f"{URL}?version={version.pk}",
        {**form_data(column_purpose="", purpose_values="ИЖС = nothing"), "preview": "1"},
    )

    assert page.status_code == 400
    assert "Choose the target purpose of the parcels, or the column that holds it." in page.text
    page = client.post(
        f"{URL}?version={version.pk}",
        {**form_data(purpose_values="ИЖС = housing"), "preview": "1"},
    )
    assert page.status_code == 400
    assert "Unknown target purpose code(s): housing." in page.text


@pytest.mark.parametrize("role", ["queue_officer", "appeals_operator"])
def test_other_roles_may_not_import(staff_client, role, tmp_path):
    client, _user = staff_client(role)
    version = version_make(tmp_path, rows_of(1))

    assert client.get(URL).status_code == 403
    response = client.post(f"{URL}?version={version.pk}", {**form_data(), "import": "1"})
    assert response.status_code == 403
    assert not Parcel.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/staff/login/" in response["Location"]
