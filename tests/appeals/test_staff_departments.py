"""Appeals operators act only for their own departments; administrators for all of them;
moderators moderate every appeal and process none. Checked when the appeal is loaded."""

import datetime
import re

import pytest

from appeals.errors import AppealRefusal
from appeals.models import Appeal, AppealEvent, AppealPhoto, Category, Department
from appeals.services.filing import appeal_file
from appeals.services.processing import appeal_status_set
from staff.models import AuditEntry
from tests.appeals.test_filing import jpeg_with_gps
from tests.appeals.test_staff_board import PERSON, TARAZ, board_rows, file_appeal
from tests.appeals.test_staff_front_office import form_key, visitor
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def public_page(client, appeal: Appeal) -> str:
    page = client.get(f"/en/appeals/{appeal.number}/").content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def state(appeal: Appeal) -> dict:
    """Everything an action could change: the row, its history, its audit entries."""
    row = Appeal.objects.filter(pk=appeal.pk).values().get()
    return {
        "row": row,
        "events": list(AppealEvent.objects.filter(appeal=appeal).values_list("pk", flat=True)),
        "photos": list(AppealPhoto.objects.filter(appeal=appeal).values_list("pk", "is_hidden")),
        "audit": AuditEntry.objects.filter(object_type="appeals.appeal").count(),
    }


def actions(appeal: Appeal) -> list[tuple[str, dict]]:
    new_term = appeal.deadline + datetime.timedelta(days=10)
    return [
        ("take", {"note": "Беру"}),
        ("reassign", {"department": Department.objects.get(slug="roads").pk, "note": ""}),
        ("forward", {"body": "АО «КазТрансГаз Аймак»", "reason": "Не в ведении акимата"}),
        ("extend", {"until": new_term.isoformat(), "reason": "Экспертиза"}),
        ("answer", {"text": "Сделано", "photos": [jpeg_with_gps()]}),
        ("reject", {"reason": "Повтор"}),
        ("close", {"note": "Закрыто"}),
    ]


def test_an_operator_of_one_department_cannot_reach_another_departments_appeal(
    appeals_operator, client
):
    theirs = file_appeal("lighting")  # Housing and utilities
    assert theirs.department.slug == "housing"
    mine = file_appeal("roads")
    operator, _user = appeals_operator("roads")
    public_before = public_page(client, theirs)
    before = state(theirs)

    assert operator.get(f"/en/staff/appeals/{theirs.number}/").status_code == 404
    assert operator.get(f"/en/staff/appeals/{theirs.number}/receipt/").status_code == 404
    for action, data in actions(theirs):
        response = operator.post(f"/en/staff/appeals/{theirs.number}/{action}/", data)
        assert response.status_code == 404, action
    assert state(theirs) == before
    assert public_page(client, theirs) == public_before

    # The board lists only his department's appeals, a number looked up included.
    page = operator.get("/en/staff/appeals/?status=all").content.decode()
    assert board_rows(page) == [mine.number]
    page = operator.get(f"/en/staff/appeals/?number={theirs.number}").content.decode()
    assert board_rows(page) == []
    # His own department's appeal he works as before.
    assert operator.get(f"/en/staff/appeals/{mine.number}/").status_code == 200
    operator.post(f"/en/staff/appeals/{mine.number}/take/", {"note": ""})
    assert Appeal.objects.get(pk=mine.pk).status == "in_progress"


def test_an_operator_of_no_department_sees_no_appeal(appeals_operator, staff_client):
    appeal = file_appeal()
    operator, _user = staff_client("appeals_operator")
    assert board_rows(operator.get("/en/staff/appeals/?status=all").content.decode()) == []
    assert operator.get(f"/en/staff/appeals/{appeal.number}/").status_code == 404
    assert operator.post(f"/en/staff/appeals/{appeal.number}/take/").status_code == 404
    assert Appeal.objects.get(pk=appeal.pk).status == "registered"


def test_giving_an_appeal_to_another_department_hands_it_over(appeals_operator):
    appeal = file_appeal("roads")
    sender, _user = appeals_operator("roads")
    receiver, _other = appeals_operator("environment")
    assert receiver.get(f"/en/staff/appeals/{appeal.number}/").status_code == 404
    environment = Department.objects.get(slug="environment")
    response = sender.post(
        f"/en/staff/appeals/{appeal.number}/reassign/",
        {"department": environment.pk, "note": "Не наш участок"},
    )
    assert response.status_code == 302
    assert Appeal.objects.get(pk=appeal.pk).department == environment
    # The sender has lost it; the receiving department has it.
    assert sender.get(f"/en/staff/appeals/{appeal.number}/").status_code == 404
    assert sender.post(f"/en/staff/appeals/{appeal.number}/take/").status_code == 404
    assert appeal.number not in sender.get("/en/staff/appeals/").content.decode()
    assert appeal.number in board_rows(receiver.get("/en/staff/appeals/").content.decode())
    receiver.post(f"/en/staff/appeals/{appeal.number}/take/", {"note": ""})
    assert Appeal.objects.get(pk=appeal.pk).status == "in_progress"


def test_an_action_on_an_appeal_given_away_meanwhile_is_refused(appeals_operator):
    appeal = file_appeal("roads")
    _client, user = appeals_operator("roads")
    loaded = Appeal.objects.get(pk=appeal.pk)  # loaded (and its reach checked) first
    Appeal.objects.filter(pk=appeal.pk).update(
        department=Department.objects.get(slug="environment")
    )
    with pytest.raises(AppealRefusal, match="another department meanwhile"):
        appeal_status_set(appeal=loaded, status="in_progress", actor=user)
    assert Appeal.objects.get(pk=appeal.pk).status == "registered"


def test_the_front_office_files_for_every_department(appeals_operator):
    operator, _user = appeals_operator("roads")
    key = form_key(operator.get("/en/staff/appeals/new/").content.decode())
    response = operator.post("/en/staff/appeals/new/", visitor(key))  # street lighting
    assert response.status_code == 302
    filed = Appeal.objects.get(idempotency_key=f"staff:{key}")
    assert filed.department.slug == "housing"
    # He prints the receipt of what he accepted, but the appeal is the department's.
    receipt = operator.get(response.url).content.decode()
    assert filed.number in receipt and "Open the appeal" not in receipt
    assert operator.get(f"/en/staff/appeals/{filed.number}/").status_code == 404


def test_administrators_act_for_every_department(staff_client):
    appeal = file_appeal("lighting")
    client, _user = staff_client("administrator")
    assert client.get(f"/en/staff/appeals/{appeal.number}/").status_code == 200
    client.post(f"/en/staff/appeals/{appeal.number}/take/", {"note": ""})
    assert Appeal.objects.get(pk=appeal.pk).status == "in_progress"


def test_moderators_moderate_every_department_but_process_none(staff_client):
    appeal, _ = appeal_file(
        category=file_appeal("waste").category,
        description="Оскорбления",
        applicant=PERSON,
        photos=[jpeg_with_gps()],
        **TARAZ,
    )
    moderator, _user = staff_client("moderator")
    assert appeal.number in board_rows(moderator.get("/en/staff/appeals/").content.decode())
    photo = appeal.photos.get()
    moderator.post(f"/en/staff/appeals/{appeal.number}/photos/{photo.pk}/hide/", {"reason": "Лицо"})
    assert AppealPhoto.objects.get(pk=photo.pk).is_hidden
    assert moderator.post(f"/en/staff/appeals/{appeal.number}/take/").status_code == 403
    # An operator of the department does not moderate.
    operator = StaffUserFactory(role="appeals_operator")
    operator.appeal_departments.add(appeal.department)
    moderator.force_login(operator)
    response = moderator.post(f"/en/staff/appeals/{appeal.number}/hide-text/", {"reason": "x"})
    assert response.status_code == 403


def test_only_administrators_choose_a_departments_operators(appeals_operator, staff_client):
    operator, user = appeals_operator("roads")
    housing = Department.objects.get(slug="housing")
    form = {
        "slug": housing.slug,
        "name_kk": housing.name_kk,
        "name_ru": housing.name_ru,
        "name_en": "Housing (renamed)",
        "email": "",
        "is_active": "on",
        "operators": [user.pk],
    }
    response = operator.post(f"/en/admin/appeals/department/{housing.pk}/change/", form)
    assert response.status_code == 302  # the name is his to keep; the operators are not
    housing.refresh_from_db()
    assert housing.name_en == "Housing (renamed)"
    assert list(housing.operators.all()) == []
    admin, admin_user = staff_client("administrator")
    response = admin.post(f"/en/admin/appeals/department/{housing.pk}/change/", form)
    assert response.status_code == 302
    assert list(housing.operators.all()) == [user]
    entry = AuditEntry.objects.filter(actor=admin_user, object_type="appeals.department").get()
    assert entry.before["operators"] == [] and entry.after["operators"] == [str(user)]


def test_an_operator_cannot_move_a_category_to_his_own_department(appeals_operator, staff_client):
    operator, _user = appeals_operator("roads")
    lighting = Category.objects.get(slug="lighting")  # street lighting goes to housing
    form = {
        "slug": lighting.slug,
        "name_kk": lighting.name_kk,
        "name_ru": lighting.name_ru,
        "name_en": "Street lighting (renamed)",
        "department": Department.objects.get(slug="roads").pk,
        "position": lighting.position,
        "is_active": "on",
    }
    response = operator.post(f"/en/admin/appeals/category/{lighting.pk}/change/", form)
    assert response.status_code == 302  # the name is his to keep; the department is not
    lighting.refresh_from_db()
    assert lighting.name_en == "Street lighting (renamed)"
    assert lighting.department.slug == "housing"
    assert file_appeal("lighting").department.slug == "housing"
    # A category he adds can only go to one of his departments.
    page = operator.get("/en/admin/appeals/category/add/").content.decode()
    choices = page.split('name="department"')[1].split("</select>")[0]
    assert "Transport and roads" in choices and "Housing and utilities" not in choices
    administrator, _admin = staff_client("administrator")
    response = administrator.post(f"/en/admin/appeals/category/{lighting.pk}/change/", form)
    assert response.status_code == 302
    lighting.refresh_from_db()
    assert lighting.department.slug == "roads"


def test_the_board_says_whose_appeals_it_lists(appeals_operator, staff_client):
    operator, _user = appeals_operator("roads", "housing")
    page = operator.get("/en/staff/appeals/").content.decode()
    mine = page.split("data-my-departments>")[1].split("</p>")[0]
    assert "Transport and roads" in mine and "Housing and utilities" in mine
    # The department filter offers only his departments.
    choices = page.split('name="department"')[1].split("</select>")[0]
    assert "Transport and roads" in choices and "Environment" not in choices
    newcomer, _user = staff_client("appeals_operator")
    page = newcomer.get("/en/staff/appeals/").content.decode()
    assert "You are not an operator of any department yet" in page
    administrator, _user = staff_client("administrator")
    page = administrator.get("/en/staff/appeals/").content.decode()
    assert "data-my-departments" not in page
    assert "Environment" in page.split('name="department"')[1].split("</select>")[0]
