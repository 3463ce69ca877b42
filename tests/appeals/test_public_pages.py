"""The receipt, the appeal's page, the list with its filters, the journal and its CSV."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from appeals.models import Appeal, AppealPhoto
from appeals.services.filing import Applicant, appeal_file
from appeals.services.processing import appeal_answer, appeal_extend, appeal_status_set
from tests.appeals.public_seed import (
    PERSON,
    appeal_built,
    appeal_filed,
    category,
    jpeg,
    local,
)
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def test_the_receipt_has_number_times_due_date_and_who_accepted_it(client):
    appeal = appeal_filed()
    page = client.get(f"/en/appeals/{appeal.number}/receipt/").content.decode()
    assert appeal.number in page
    assert "the e-RGIS portal (online)" in page
    assert f"/en/appeals/{appeal.number}/" in page  # the link to follow it
    assert "Street lighting" in page and "Print" in page and "Ctrl+P" in page
    for private in (PERSON.full_name.split()[0], PERSON.iin, PERSON.email, "123 4567"):
        assert private not in page


def test_a_receipt_of_the_front_office_names_the_operator_by_role_and_first_name(client):
    operator = StaffUserFactory(role="appeals_operator", first_name="Айгүл", last_name="Секретова")
    appeal, _ = appeal_file(
        category=category(), lat=42.9, lon=71.37, description="Яма во дворе дома 5",
        applicant=PERSON, channel="walk_in", actor=operator,
    )  # fmt: skip
    page = client.get(f"/en/appeals/{appeal.number}/receipt/").content.decode()
    assert "Appeals operator Айгүл" in page
    assert "Секретова" not in page


def test_an_unknown_number_is_404(client):
    assert client.get("/en/appeals/2026-999999/").status_code == 404
    assert client.get("/en/appeals/2026-999999/receipt/").status_code == 404


def test_the_appeal_page_shows_status_history_answer_and_the_deadline_met(client):
    operator = StaffUserFactory(role="appeals_operator")
    appeal = appeal_filed(photos=[jpeg()])
    appeal_status_set(appeal=appeal, status="in_progress", actor=operator)
    appeal_answer(appeal=appeal, text="Фонарь заменён", actor=operator, photos=[jpeg()])
    page = client.get(f"/en/appeals/{appeal.number}/").content.decode()
    assert "answered" in page and "in progress" in page and "registered" in page
    assert "Фонарь заменён" in page
    assert 'data-due-state="met"' in page
    assert "Housing and utilities" in page
    assert page.count(f"/en/appeals/{appeal.number}/photos/") == 4  # 2 photos, link + img
    for private in (PERSON.full_name.split()[0], PERSON.iin, PERSON.email, "Сүлейменов"):
        assert private not in page


def test_hidden_text_shows_the_reason_and_hidden_photos_cannot_be_fetched(client):
    appeal = appeal_filed(description="Оскорбительный текст про соседа", photos=[jpeg(), jpeg()])
    Appeal.objects.filter(pk=appeal.pk).update(description_hidden=True, hidden_reason="insults")
    hidden, shown = appeal.photos.order_by("pk")
    AppealPhoto.objects.filter(pk=hidden.pk).update(is_hidden=True, hidden_reason="a face")
    page = client.get(f"/en/appeals/{appeal.number}/").content.decode()
    assert "Hidden by a moderator: insults" in page
    assert "Оскорбительный" not in page
    assert "A photo hidden by a moderator: a face" in page
    assert f"/photos/{hidden.pk}/" not in page and f"/photos/{shown.pk}/" in page
    assert client.get(f"/en/appeals/{appeal.number}/photos/{hidden.pk}/").status_code == 404
    photo = client.get(f"/en/appeals/{appeal.number}/photos/{shown.pk}/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    # A photo is only reachable under its own appeal's number.
    other = appeal_filed(lat=42.95)
    assert client.get(f"/en/appeals/{other.number}/photos/{shown.pk}/").status_code == 404


def test_an_overdue_appeal_says_so(client):
    appeal = appeal_built(received=local(2025, 1, 6), deadline=datetime.date(2025, 1, 27))
    page = client.get(f"/en/appeals/{appeal.number}/").content.decode()
    assert 'data-due-state="overdue"' in page


def test_an_extension_shows_the_new_date_and_the_reason(client):
    operator = StaffUserFactory(role="appeals_operator")
    appeal = appeal_filed()
    until = appeal.deadline + datetime.timedelta(days=10)
    appeal_extend(appeal=appeal, until=until, reason="Нужна экспертиза опоры", actor=operator)
    page = client.get(f"/en/appeals/{appeal.number}/").content.decode()
    assert "Нужна экспертиза опоры" in page and "extended" in page


def _numbers(page: str, appeals: list[Appeal]) -> set[str]:
    return {a.number for a in appeals if f'data-appeal="{a.number}"' in page}


def test_the_list_filters_by_category_status_department_and_dates(
    client, django_assert_max_num_queries
):
    operator = StaffUserFactory(role="appeals_operator")
    lighting = appeal_built(received=local(2026, 3, 2), deadline=datetime.date(2026, 3, 23))
    roads = appeal_built(
        slug="roads", received=local(2026, 3, 10), deadline=datetime.date(2026, 3, 31)
    )
    waste = appeal_built(
        slug="waste", received=local(2026, 4, 1), deadline=datetime.date(2026, 4, 22)
    )
    appeal_status_set(appeal=roads, status="in_progress", actor=operator)
    everything = [lighting, roads, waste]
    for _ in range(30):
        appeal_built(slug="water", received=local(2025, 5, 5), deadline=datetime.date(2025, 5, 26))

    def page(query: str) -> str:
        with django_assert_max_num_queries(8):
            response = client.get(f"/en/appeals/?{query}")
        assert response.status_code == 200
        return response.content.decode()

    assert _numbers(page("category=roads"), everything) == {roads.number}
    assert _numbers(page("status=in_progress"), everything) == {roads.number}
    assert _numbers(page("department=environment"), everything) == {waste.number}
    dates = page("received_from=2026-03-01&received_to=2026-03-10")
    assert _numbers(dates, everything) == {lighting.number, roads.number}
    assert "2 appeals" in dates
    # 33 appeals, 25 a page: the second page keeps the filters.
    first = page("")
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    filtered = page("category=water")
    assert 'href="?category=water&amp;page=2"' in filtered
    # A bad filter is shown, the others still apply.
    bad = page("category=roads&received_from=yesterday")
    assert _numbers(bad, everything) == {roads.number} and "Enter a valid date" in bad


def test_the_journal_marks_overdue_and_late_and_its_csv_lists_every_appeal(
    client, django_assert_max_num_queries
):
    today = timezone.localdate()
    overdue = appeal_built(received=local(2025, 1, 6), deadline=datetime.date(2025, 1, 27))
    late = appeal_built(
        slug="roads", received=local(2025, 2, 3), deadline=datetime.date(2025, 2, 24),
        answered=local(2025, 3, 3),
    )  # fmt: skip
    extended = appeal_built(
        received=local(2025, 2, 3), deadline=datetime.date(2025, 2, 24),
        extended_until=datetime.date(2025, 3, 31), answered=local(2025, 3, 3),
    )  # fmt: skip
    fresh = appeal_filed()
    dates = "received_from=2025-01-01&received_to=2025-12-31"
    with django_assert_max_num_queries(8):
        page = client.get(f"/en/appeals/journal/?{dates}").content.decode()
    assert "data-overdue" in page.split(f'data-appeal="{overdue.number}"')[1].split("</tr>")[0]
    assert "data-late" in page.split(f'data-appeal="{late.number}"')[1].split("</tr>")[0]
    extended_row = page.split(f'data-appeal="{extended.number}"')[1].split("</tr>")[0]
    assert "data-late" not in extended_row and "(extended)" in extended_row
    assert f'data-appeal="{fresh.number}"' not in page

    response = client.get(f"/ru/appeals/journal.csv?{dates}")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Номер" or rows[0][0] == "Number"
    by_number = {row[0]: row for row in rows[1:]}
    assert set(by_number) == {overdue.number, late.number, extended.number}
    assert by_number[late.number][3] == "Дороги"
    assert by_number[late.number][6:9] == ["2025-02-24", "", "2025-03-03 10:00"]
    assert by_number[extended.number][7] == "2025-03-31"
    filtered = client.get(f"/ru/appeals/journal.csv?category=roads&{dates}")
    lines = b"".join(filtered.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and late.number in lines[1]
    assert PERSON.full_name.split()[0] not in text
    # Without dates: the last month, on the page and in its CSV.
    recent = b"".join(client.get("/ru/appeals/journal.csv").streaming_content)
    [row] = list(csv.reader(io.StringIO(recent.decode("utf-8-sig"))))[1:]
    assert row[0] == fresh.number and row[1].startswith(today.isoformat())


def test_anonymous_appeals_list_like_any_other(client):
    appeal, _ = appeal_file(
        category=category("safety"), lat=42.9, lon=71.37,
        description="Открытый люк у школы №5", applicant=Applicant(), anonymous=True,
    )  # fmt: skip
    assert appeal.number in client.get("/en/appeals/").content.decode()
