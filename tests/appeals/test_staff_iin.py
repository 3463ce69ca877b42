"""Reading an applicant's decrypted IIN on the staff side: masked by default, shown on an
explicit request, and every reading in the audit log (the IIN itself never is)."""

import pytest

from appeals.models import Appeal, Category
from appeals.services.filing import Applicant, appeal_file
from staff.models import AuditEntry
from tests.appeals.test_staff_board import PERSON, TARAZ, file_appeal

pytestmark = pytest.mark.django_db


def readings(appeal: Appeal):
    return AuditEntry.objects.filter(action="appeals.appeal.iin_read", object_id=str(appeal.pk))


def test_the_iin_is_masked_until_shown_and_each_reading_is_audited(appeals_operator):
    appeal = file_appeal()
    client, user = appeals_operator("roads")
    response = client.get(f"/en/staff/appeals/{appeal.number}/")
    page = response.content.decode()
    assert PERSON.iin not in page and "data-iin-masked" in page
    assert "no-store" in response["Cache-Control"]
    assert not readings(appeal).exists()  # opening the page reads no IIN

    response = client.post(f"/en/staff/appeals/{appeal.number}/iin/")
    assert response.status_code == 200
    assert PERSON.iin in response.content.decode().split("data-iin>")[1].split("</dd>")[0]
    assert "no-store" in response["Cache-Control"]
    entry = readings(appeal).get()
    assert entry.actor == user and entry.object_type == "appeals.appeal"
    assert entry.object_repr == appeal.number
    client.post(f"/en/staff/appeals/{appeal.number}/iin/")
    assert readings(appeal).count() == 2
    # The IIN is in no audit entry, this reading's or any other.
    for entry in AuditEntry.objects.all():
        assert PERSON.iin not in f"{entry.before} {entry.after} {entry.object_repr}"


def test_showing_the_iin_is_refused_outside_ones_departments_and_to_other_roles(
    appeals_operator, staff_client
):
    appeal = file_appeal()  # Transport and roads
    other, _user = appeals_operator("housing")
    response = other.post(f"/en/staff/appeals/{appeal.number}/iin/")
    assert response.status_code == 404 and PERSON.iin not in response.content.decode()
    for role in ("moderator", "planner"):
        client, _user = staff_client(role)
        response = client.post(f"/en/staff/appeals/{appeal.number}/iin/")
        assert response.status_code == 403 and PERSON.iin not in response.content.decode()
    client.logout()
    assert client.get(f"/en/staff/appeals/{appeal.number}/iin/").status_code in (302, 405)
    assert not readings(appeal).exists()


def test_an_anonymous_report_has_no_iin_to_show(appeals_operator):
    appeal, _ = appeal_file(
        category=Category.objects.get(slug="safety"),
        description="Открытый люк у школы",
        applicant=Applicant(),
        anonymous=True,
        **TARAZ,
    )
    client, _user = appeals_operator()
    assert "Show the IIN" not in client.get(f"/en/staff/appeals/{appeal.number}/").content.decode()
    response = client.post(f"/en/staff/appeals/{appeal.number}/iin/", follow=True)
    assert "This appeal has no IIN." in response.content.decode()
    assert not readings(appeal).exists()
