"""The staff board: open appeals with their due dates, overdue first, filters, the appeal's
page with the applicant's identity (operators only), and who may see what."""

import datetime

import pytest
from django.utils import timezone

from appeals.deadlines import forward_due
from appeals.models import Appeal, Category, Department
from appeals.services.filing import Applicant, appeal_file
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

TARAZ = {"lat": 42.9, "lon": 71.37}
PERSON = Applicant(
    full_name="Жұмабекова Гүлнар Серікқызы",
    iin="061211600012",
    email="gulnar.zh@example.kz",
    phone="+77017654321",
)


def file_appeal(
    category: str = "roads",
    *,
    description: str = "Яма на дороге у остановки Достык",
    channel: str = Appeal.Channel.WEB,
    applicant: Applicant = PERSON,
    **fields,
) -> Appeal:
    """An appeal filed through the real service; `fields` are then written as test data
    (e.g. a deadline in the past)."""
    appeal, _ = appeal_file(
        category=Category.objects.get(slug=category),
        description=description,
        applicant=applicant,
        channel=channel,
        **TARAZ,
    )
    if fields:
        Appeal.objects.filter(pk=appeal.pk).update(**fields)
        appeal.refresh_from_db()
    return appeal


def overdue(appeal_days_ago: int = 40) -> dict:
    registered = timezone.localdate() - datetime.timedelta(days=appeal_days_ago)
    return {"registered_on": registered, "deadline": registered + datetime.timedelta(days=21)}


def board_rows(page: str) -> list[str]:
    return [line.split('"')[1] for line in page.split("data-appeal=")[1:]]


def test_the_board_lists_open_appeals_overdue_first_with_their_due_dates(
    appeals_operator, django_assert_max_num_queries
):
    fresh = file_appeal()
    late = file_appeal("lighting", **overdue())
    extended = file_appeal(
        "water",
        extended_until=timezone.localdate() + datetime.timedelta(days=30),
        extension_reason="Экспертиза",
    )
    done = file_appeal(status=Appeal.Status.ANSWERED, answer="Отремонтировано")
    client, _user = appeals_operator()
    for _ in range(3):
        file_appeal()  # more rows: the query count stays flat
    with django_assert_max_num_queries(9):  # 9th: the operator's departments named
        page = client.get("/en/staff/appeals/").content.decode()
    rows = board_rows(page)
    assert rows[0] == late.number
    assert fresh.number in rows and extended.number in rows
    assert done.number not in rows
    late_row = page.split(f'data-appeal="{late.number}"')[1].split("</tr>")[0]
    assert late_row.split(">")[0].endswith('class="is-overdue"')
    assert "overdue" in late_row and late.deadline.strftime("%d.%m.%Y") in late_row
    extended_row = page.split(f'data-appeal="{extended.number}"')[1].split("</tr>")[0]
    assert extended.extended_until.strftime("%d.%m.%Y") in extended_row
    assert "(extended)" in extended_row
    fresh_row = page.split(f'data-appeal="{fresh.number}"')[1].split("</tr>")[0]
    assert "overdue" not in fresh_row
    assert page.count('class="is-overdue"') == 1
    # The admin's calendar of working days is one click away.
    assert "/en/admin/appeals/calendarday/" in page


def test_the_board_filters_by_status_category_department_channel_overdue_and_number(
    appeals_operator,
):
    roads = file_appeal("roads", channel=Appeal.Channel.PHONE)
    lighting = file_appeal("lighting", **overdue())
    answered = file_appeal("waste", status=Appeal.Status.ANSWERED, answer="Вывезли")
    client, _user = appeals_operator()

    def shown(query: str) -> list[str]:
        return board_rows(client.get(f"/en/staff/appeals/?{query}").content.decode())

    assert shown("status=answered") == [answered.number]
    assert set(shown("status=all")) == {roads.number, lighting.number, answered.number}
    category = Category.objects.get(slug="lighting").pk
    assert shown(f"category={category}") == [lighting.number]
    department = Department.objects.get(slug="roads").pk
    assert shown(f"department={department}") == [roads.number]
    assert shown("channel=phone") == [roads.number]
    assert shown("overdue=on") == [lighting.number]
    # A number finds the appeal whatever its status.
    assert shown(f"number={answered.number}") == [answered.number]
    assert "No appeals match." in client.get("/en/staff/appeals/?number=1999-9").content.decode()


def test_the_appeal_page_shows_everything_with_the_decrypted_iin_to_operators(appeals_operator):
    appeal = file_appeal()
    client, _user = appeals_operator()
    page = client.get(f"/en/staff/appeals/{appeal.number}/").content.decode()
    assert appeal.number in page
    identity = page.split("data-identity")[1].split("</dl>")[0]
    assert PERSON.full_name in identity and PERSON.phone in identity and PERSON.email in identity
    # The IIN is masked until the operator asks for it (an audited reading).
    assert "061211600012" not in page and "Show the IIN" in identity
    shown = client.post(f"/en/staff/appeals/{appeal.number}/iin/").content.decode()
    assert "061211600012" in shown.split("data-identity")[1].split("</dl>")[0]
    assert "Яма на дороге" in page
    # Forwarding (outside the akimat's competence) is due within 3 working days.
    due = forward_due(appeal.registered_on).strftime("%d.%m.%Y")
    assert due in page.split("data-forward-due>")[1].split("</dd>")[0]
    assert "Registered" in page.split("data-history")[1]
    assert "Take in progress" in page


def test_moderators_see_the_appeal_without_the_applicant_and_without_processing(staff_client):
    appeal = file_appeal()
    client, _user = staff_client("moderator")
    page = client.get(f"/en/staff/appeals/{appeal.number}/").content.decode()
    assert client.get("/en/staff/appeals/").status_code == 200
    assert "061211600012" not in page and PERSON.full_name not in page
    assert PERSON.phone not in page and PERSON.email not in page
    assert "Only appeals operators see who filed." in page
    assert "Take in progress" not in page
    assert "Hide the description from the public" in page


@pytest.mark.parametrize("role", ["planner", "queue_officer"])
@pytest.mark.parametrize(
    "path", ["/en/staff/appeals/", "/en/staff/appeals/new/", "/en/staff/appeals/{number}/"]
)
def test_other_roles_are_refused(staff_client, role, path):
    appeal = file_appeal()
    client, _user = staff_client(role)
    response = client.get(path.format(number=appeal.number))
    assert response.status_code == 403
    assert "Your role does not allow this" in response.content.decode()


def test_visitors_who_are_not_signed_in_are_sent_to_sign_in(client):
    appeal = file_appeal()
    for path in (
        "/ru/staff/appeals/",
        "/ru/staff/appeals/new/",
        f"/ru/staff/appeals/{appeal.number}/",
    ):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url.startswith("/ru/staff/login/")


def test_appeals_operators_keep_the_calendar_departments_and_categories_in_the_admin(
    staff_client,
):
    client, _user = staff_client("appeals_operator")
    for model in ("calendarday", "department", "category"):
        assert client.get(f"/en/admin/appeals/{model}/").status_code == 200
        assert client.get(f"/en/admin/appeals/{model}/add/").status_code == 200
    response = client.post(
        "/en/admin/appeals/calendarday/add/",
        {"day": "2026-03-07", "kind": "working", "note": "Перенос с 9 марта"},
    )
    assert response.status_code == 302
    assert "/en/admin/appeals/calendarday/" in response.url
    planner, _user = staff_client("planner")
    assert planner.get("/en/admin/appeals/calendarday/").status_code == 403


def test_the_staff_home_links_to_the_board_and_the_front_office(staff_client):
    client, _user = staff_client("appeals_operator")
    page = client.get("/en/staff/").content.decode()
    assert 'href="/en/staff/appeals/"' in page and 'href="/en/staff/appeals/new/"' in page
    other = StaffUserFactory(role="planner")
    client.force_login(other)
    assert 'href="/en/staff/appeals/"' not in client.get("/en/staff/").content.decode()
