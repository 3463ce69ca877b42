"""The organiser's pages: only the role; prepare, announce, answer, enter spoken comments."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from hearings.models import Answer, Comment, Hearing
from tests.hearings.conftest import comment_make

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["planner", "appeals_operator", None])
def test_without_the_role_the_pages_answer_403(staff_client, open_hearing, role):
    client, _user = staff_client(role)
    for url in ("/en/staff/hearings/", f"/en/staff/hearings/{open_hearing.pk}/"):
        assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, open_hearing):
    assert client.get(f"/en/staff/hearings/{open_hearing.pk}/").status_code == 302


def test_an_organiser_answers_a_comment_and_the_letter_goes(
    client, open_hearing, organiser, run_jobs, django_capture_on_commit_callbacks
):
    comment, _ = comment_make(open_hearing)
    client.force_login(organiser)
    board = client.get(f"/en/staff/hearings/{open_hearing.pk}/").content.decode()
    assert "Айнур Сапарова" in board and "ainur@example.kz" in board  # staff see who
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/staff/hearings/{open_hearing.pk}/comments/{comment.number}/answer/",
            {"verdict": "not_accepted", "reason_kk": "", "reason_ru": "Участок уже занят."},
        )
    assert response.status_code == 303
    assert Answer.objects.get(comment=comment).verdict == "not_accepted"
    run_jobs()
    assert len(mail.outbox) == 1 and "Участок уже занят." in mail.outbox[0].body
    public = client.get(f"/en/hearings/{open_hearing.slug}/").content.decode()
    assert "Участок уже занят." in public


def test_an_administrator_organises_too(staff_client, open_hearing):
    client, _user = staff_client("administrator")
    assert client.get(f"/en/staff/hearings/{open_hearing.pk}/").status_code == 200


def test_the_board_lists_unanswered_first(client, open_hearing, organiser):
    first, _ = comment_make(open_hearing, text="Первый комментарий о дороге.")
    comment_make(open_hearing, text="Второй комментарий о дороге.")
    client.force_login(organiser)
    client.post(
        f"/en/staff/hearings/{open_hearing.pk}/comments/{first.number}/answer/",
        {"verdict": "accepted", "reason_ru": "Да."},
    )
    board = client.get(f"/en/staff/hearings/{open_hearing.pk}/").content.decode()
    assert board.index("Второй") < board.index("Первый")


def test_staff_enter_a_paper_comment(client, open_hearing, organiser):
    client.force_login(organiser)
    form = client.get(f"/en/staff/hearings/{open_hearing.pk}/comments/new/")
    key = form.context["form"].initial["idempotency_key"]
    response = client.post(
        f"/en/staff/hearings/{open_hearing.pk}/comments/new/",
        {
            "idempotency_key": key, "topic": "housing", "text": "Письменное предложение жителя.",
            "where": "address", "address": "ул. Толе би, 45", "full_name": "Ержан Б.",
            "phone": "+7 702 000", "channel": "paper", "language": "kk",
        },
    )  # fmt: skip
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert comment.channel == "paper" and comment.entered_by == organiser


def test_an_organiser_prepares_and_is_told_why_a_meeting_is_refused(client, draft, organiser):
    client.force_login(organiser)
    today = timezone.localdate()
    response = client.post(
        "/en/staff/hearings/new/",
        {
            "version": draft.pk, "slug": "new-one", "title_kk": "Талқылау",
            "title_ru": "Обсуждение", "territory_name": "Сынақ",
            "announced_on": today.isoformat(),
            "opens_at": f"{today.isoformat()}T09:00",
            "closes_at": f"{(today + datetime.timedelta(days=30)).isoformat()}T18:00",
            "organiser_contacts": "akimat@example.kz",
        },
    )  # fmt: skip
    assert response.status_code == 303
    hearing = Hearing.objects.get(slug="new-one")
    early = today + datetime.timedelta(days=10)
    page = client.post(
        f"/en/staff/hearings/{hearing.pk}/meetings/",
        {"day": early.isoformat(), "time": "18:00", "place": "Hall"},
        follow=True,
    ).content.decode()
    assert "no earlier than 20 calendar days" in page
    assert not hearing.meetings.exists()


@pytest.mark.parametrize("role", ["hearing_organiser", "administrator"])
def test_the_staff_home_names_the_capability(staff_client, role):
    client, _user = staff_client(role)
    page = client.get("/en/staff/").content.decode()
    assert "Organise public hearings on plans" in page
