"""The actions on an appeal's staff page, and moderation (hide text or photo, keep it)."""

import contextlib
import datetime

import pytest
from django.urls import NoReverseMatch, reverse

from appeals.models import Appeal, AppealPhoto, Category, Department
from appeals.services.filing import appeal_file
from staff.models import AuditEntry
from tests.appeals.test_filing import jpeg_with_gps
from tests.appeals.test_staff_board import PERSON, TARAZ, file_appeal

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(appeals_operator):
    client, _user = appeals_operator()
    return client


def act(client, appeal: Appeal, action: str, data: dict | None = None) -> str:
    """POST an action, follow back to the appeal's page, return that page."""
    response = client.post(f"/en/staff/appeals/{appeal.number}/{action}/", data or {}, follow=True)
    assert response.redirect_chain[-1][0] == f"/en/staff/appeals/{appeal.number}/"
    return response.content.decode()


def status_of(appeal: Appeal) -> str:
    return Appeal.objects.get(pk=appeal.pk).status


def test_take_in_progress_then_answer_with_text_and_photos(operator):
    appeal = file_appeal()
    page = act(operator, appeal, "take")
    assert "The appeal is in progress." in page
    assert "data-status>in progress<" in page
    page = act(
        operator,
        appeal,
        "answer",
        {"text": "Яма заделана 3 марта.", "photos": [jpeg_with_gps(), jpeg_with_gps((400, 300))]},
    )
    assert "The answer is sent to the applicant." in page
    answered = Appeal.objects.get(pk=appeal.pk)
    assert answered.status == "answered" and answered.answer == "Яма заделана 3 марта."
    assert answered.photos.filter(source="answer").count() == 2
    assert "Яма заделана 3 марта." in page.split("data-answer>")[1]
    history = page.split("data-history")[1]
    assert "registered → in progress" in history and "in progress → answered" in history
    # Answered: only closing is left.
    assert "Take in progress" not in page and ">Close</button>" in page
    act(operator, appeal, "close")
    assert status_of(appeal) == "closed"


def test_reassign_to_another_department(operator):
    appeal = file_appeal()
    environment = Department.objects.get(slug="environment")
    page = act(operator, appeal, "reassign", {"department": environment.pk, "note": ""})
    assert "The appeal is given to another department." in page
    assert Appeal.objects.get(pk=appeal.pk).department == environment
    assert environment.name_en in page.split("data-department>")[1].split("</dd>")[0]


def test_forward_to_another_body_needs_its_name_and_a_reason(operator):
    appeal = file_appeal()
    page = act(operator, appeal, "forward", {"body": "", "reason": ""})
    assert "This field is required." in page
    assert status_of(appeal) == "registered"
    page = act(
        operator,
        appeal,
        "forward",
        {"body": "АО «КазТрансГаз Аймак»", "reason": "Газопровод не в ведении акимата"},
    )
    assert "The appeal is forwarded" in page
    assert status_of(appeal) == "forwarded"
    assert "АО «КазТрансГаз Аймак»: Газопровод не в ведении акимата" in page


def test_extend_with_a_written_reason_within_two_months(operator):
    appeal = file_appeal()
    too_late = appeal.registered_on + datetime.timedelta(days=75)
    page = act(operator, appeal, "extend", {"until": too_late.isoformat(), "reason": "Экспертиза"})
    assert "no later than" in page
    new_term = appeal.deadline + datetime.timedelta(days=14)
    page = act(
        operator, appeal, "extend", {"until": new_term.isoformat(), "reason": "Нужна экспертиза"}
    )
    assert "The term is extended" in page
    assert Appeal.objects.get(pk=appeal.pk).due == new_term
    due = page.split("data-due>")[1].split("</dd>")[0]
    assert new_term.strftime("%d.%m.%Y") in due and "Нужна экспертиза" in due


def test_reject_needs_a_reason(operator):
    appeal = file_appeal()
    page = act(operator, appeal, "reject", {"reason": ""})
    assert "This field is required." in page and status_of(appeal) == "registered"
    page = act(operator, appeal, "reject", {"reason": "Повторное обращение, ответ дан ранее"})
    assert "The appeal is rejected" in page and status_of(appeal) == "rejected"


def test_a_step_the_status_does_not_allow_is_refused_with_the_reason(operator):
    appeal = file_appeal(status=Appeal.Status.CLOSED)
    page = act(operator, appeal, "take")
    assert "cannot become" in page and status_of(appeal) == "closed"


@pytest.mark.parametrize("role", ["moderator", "planner", "queue_officer"])
def test_only_operators_process_appeals(staff_client, role):
    appeal = file_appeal()
    client, _user = staff_client(role)
    response = client.post(f"/en/staff/appeals/{appeal.number}/answer/", {"text": "Сделано"})
    assert response.status_code == 403
    assert client.post(f"/en/staff/appeals/{appeal.number}/take/").status_code == 403
    assert status_of(appeal) == "registered"


def test_anonymous_visitors_cannot_act(client):
    appeal = file_appeal()
    response = client.post(f"/kk/staff/appeals/{appeal.number}/take/")
    assert response.status_code == 302 and response.url.startswith("/kk/staff/login/")
    assert status_of(appeal) == "registered"


# Moderation -------------------------------------------------------------------------------


@pytest.fixture
def abusive():
    appeal, _ = appeal_file(
        category=Category.objects.get(slug="waste"),
        description="Мусор не вывозят, начальник отдела — бездельник и вор",
        applicant=PERSON,
        photos=[jpeg_with_gps(), jpeg_with_gps((500, 500))],
        **TARAZ,
    )
    return appeal


def public_view(client, appeal: Appeal) -> str:
    """The public page if it exists yet, plus the Open311 request (both are public)."""
    text = client.get(f"/open311/v2/requests/{appeal.number}.json").content.decode()
    # The public page is being built by another engineer: checked once it exists.
    with contextlib.suppress(NoReverseMatch):
        text += client.get(reverse("appeals:detail", args=[appeal.number])).content.decode()
    return text


def test_a_moderator_hides_the_text_and_a_photo_keeping_them_for_staff(
    staff_client, client, abusive
):
    first, second = abusive.photos.order_by("pk")
    assert "бездельник" in public_view(client, abusive)
    moderator, moderator_user = staff_client("moderator")
    page = act(moderator, abusive, "hide-text", {"reason": "Оскорбление должностного лица"})
    assert "The description is hidden from the public." in page
    # Staff still read it, with the reason.
    assert "бездельник" in page.split("data-description>")[1]
    assert "Hidden from the public: Оскорбление должностного лица" in page
    page = act(moderator, abusive, f"photos/{first.pk}/hide", {"reason": "Лицо человека"})
    assert "Hidden from the public: Лицо человека" in page.split(f'data-photo="{first.pk}"')[1]

    kept = Appeal.objects.get(pk=abusive.pk)
    assert kept.description_hidden and "бездельник" in kept.description
    assert kept.hidden_reason == "Оскорбление должностного лица"
    photo = AppealPhoto.objects.get(pk=first.pk)
    assert photo.is_hidden and photo.hidden_reason == "Лицо человека" and photo.image.name

    client.logout()
    public = public_view(client, abusive)
    assert "бездельник" not in public
    assert f"/photos/{first.pk}/" not in public
    assert f"/photos/{second.pk}/" in public  # the next public photo

    entries = AuditEntry.objects.filter(
        actor=moderator_user, action__startswith="appeals."
    ).order_by("at")
    assert [e.action for e in entries] == ["appeals.appeal.text_hide", "appeals.photo.hide"]
    assert entries[0].after == {"is_hidden": True, "hidden_reason": "Оскорбление должностного лица"}
    assert not any("бездельник" in str(e.before) + str(e.after) for e in entries)


def test_a_moderator_shows_them_again(staff_client, client, abusive):
    first = abusive.photos.order_by("pk").first()
    moderator, _user = staff_client("moderator")
    act(moderator, abusive, "hide-text", {"reason": "Оскорбление"})
    act(moderator, abusive, f"photos/{first.pk}/hide", {"reason": "Лицо"})
    page = act(moderator, abusive, "show-text")
    assert "The description is public again." in page
    page = act(moderator, abusive, f"photos/{first.pk}/show")
    assert "The photo is public again." in page
    assert not Appeal.objects.get(pk=abusive.pk).description_hidden
    assert not AppealPhoto.objects.get(pk=first.pk).is_hidden
    client.logout()
    assert "бездельник" in public_view(client, abusive)


def test_hiding_needs_a_reason(staff_client, abusive):
    moderator, _user = staff_client("moderator")
    page = act(moderator, abusive, "hide-text", {"reason": "  "})
    assert "This field is required." in page
    assert not Appeal.objects.get(pk=abusive.pk).description_hidden


@pytest.mark.parametrize("role", ["appeals_operator", "planner"])
def test_only_moderators_hide(staff_client, role, abusive):
    client, _user = staff_client(role)
    photo = abusive.photos.first()
    assert (
        client.post(f"/en/staff/appeals/{abusive.number}/hide-text/", {"reason": "x"}).status_code
        == 403
    )
    assert (
        client.post(
            f"/en/staff/appeals/{abusive.number}/photos/{photo.pk}/hide/", {"reason": "x"}
        ).status_code
        == 403
    )
    assert not Appeal.objects.get(pk=abusive.pk).description_hidden


def test_an_administrator_both_moderates_and_answers(staff_client, abusive):
    client, _user = staff_client("administrator")
    act(client, abusive, "hide-text", {"reason": "Оскорбление"})
    act(client, abusive, "answer", {"text": "Вывоз восстановлен."})
    kept = Appeal.objects.get(pk=abusive.pk)
    assert kept.description_hidden and kept.status == "answered"


def test_the_actions_warn_that_what_staff_write_is_public(operator, client):
    appeal = file_appeal()
    page = operator.get(f"/ru/staff/appeals/{appeal.number}/").content.decode()
    warning = page.split("data-public-warning>")[1].split("</p>")[0]
    assert "видны на публичной странице" in warning
    act(operator, appeal, "take", {"note": "Выехала бригада"})
    public = client.get(f"/ru/appeals/{appeal.number}/").content.decode()
    assert "Выехала бригада" in public  # as the warning says
