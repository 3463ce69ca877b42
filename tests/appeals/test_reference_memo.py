"""Categories and the work calendar are remembered per process (rgis.memo): a change made
in the admin shows at once; one made elsewhere (another process) within the lifetime."""

import datetime
import zoneinfo

import pytest

from appeals.deadlines import appeal_terms
from appeals.models import Category
from rgis import memo

pytestmark = pytest.mark.django_db

FORM = "/ru/appeals/new/"


def test_a_category_renamed_in_the_admin_shows_on_the_form_at_once(
    staff_client, django_capture_on_commit_callbacks
):
    client, _user = staff_client("appeals_operator")
    assert "Уличное освещение" in client.get(FORM).content.decode()  # now remembered
    lighting = Category.objects.get(slug="lighting")
    with django_capture_on_commit_callbacks(execute=True):  # the admin's change commits
        response = client.post(
            f"/en/admin/appeals/category/{lighting.pk}/change/",
            {
                "slug": "lighting",
                "name_kk": lighting.name_kk,
                "name_ru": "Фонари на улицах",
                "name_en": lighting.name_en,
                "department": lighting.department_id,
                "position": lighting.position,
                "is_active": "on",
            },
        )
    assert response.status_code == 302
    page = client.get(FORM).content.decode()
    assert "Фонари на улицах" in page and "Уличное освещение" not in page


def test_a_category_switched_off_in_the_admin_can_no_longer_be_filed(
    staff_client, django_capture_on_commit_callbacks
):
    client, _user = staff_client("appeals_operator")
    assert 'value="animals"' in client.get(FORM).content.decode()
    animals = Category.objects.get(slug="animals")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/admin/appeals/category/{animals.pk}/change/",
            {
                "slug": "animals",
                "name_kk": animals.name_kk,
                "name_ru": animals.name_ru,
                "name_en": animals.name_en,
                "department": animals.department_id,
                "position": animals.position,
            },  # "in use" unticked
        )
    assert response.status_code == 302
    assert 'value="animals"' not in client.get(FORM).content.decode()
    refused = client.post(FORM, {"category": "animals", "idempotency_key": "k" * 32})
    assert "Выберите категорию из списка." in refused.content.decode()


def test_a_change_made_by_another_process_shows_once_the_memo_lifetime_passed(
    client, settings, monkeypatch
):
    settings.RGIS_REFERENCE_MEMO_SECONDS = 5
    clock = [1000.0]
    monkeypatch.setattr(memo.time, "monotonic", lambda: clock[0])
    assert "Уличное освещение" in client.get(FORM).content.decode()
    Category.objects.filter(slug="lighting").update(name_ru="Фонари на улицах")
    clock[0] += 4
    assert "Уличное освещение" in client.get(FORM).content.decode()
    clock[0] += 2
    assert "Фонари на улицах" in client.get(FORM).content.decode()


def test_a_holiday_added_in_the_admin_moves_the_next_deadline_at_once(
    staff_client, django_capture_on_commit_callbacks
):
    received = datetime.datetime(2026, 4, 6, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Almaty"))
    _registered, due = appeal_terms(received)  # now remembered
    client, _user = staff_client("appeals_operator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/admin/appeals/calendarday/add/",
            {"day": due.isoformat(), "kind": "day_off", "note": "Постановление"},
        )
    assert response.status_code == 302
    _registered, moved = appeal_terms(received)
    assert moved > due
