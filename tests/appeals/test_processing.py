import datetime

import pytest
from django.core import mail

from appeals.errors import AppealRefusal
from appeals.models import Appeal, Category, Department
from appeals.services.filing import Applicant, appeal_file
from appeals.services.processing import (
    appeal_answer,
    appeal_extend,
    appeal_reassign,
    appeal_status_set,
)
from staff.models import AuditEntry
from tests.appeals.test_filing import TARAZ, jpeg_with_gps
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

WITH_EMAIL = Applicant(
    full_name="Сейткали Айгерим Болатқызы", iin="061211600012", email="aigerim@example.kz"
)


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def appeal(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        filed, _ = appeal_file(
            category=Category.objects.get(slug="roads"),
            description="Яма на дороге у остановки",
            applicant=WITH_EMAIL,
            **TARAZ,
        )
    return filed


@pytest.fixture
def operator():
    return StaffUserFactory(role="appeals_operator")


def test_each_status_change_is_recorded_with_who_and_when_and_mailed(
    appeal, operator, run_jobs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal_status_set(appeal=appeal, status="in_progress", actor=operator)
    run_jobs()
    events = list(appeal.events.values_list("status_before", "status_after", "actor"))
    assert events == [("", "registered", None), ("registered", "in_progress", operator.pk)]
    assert AuditEntry.objects.filter(action="appeals.appeal.in_progress").exists()
    # The receipt when filed, then the change; each in Kazakh and Russian.
    assert len(mail.outbox) == 2
    assert appeal.number in mail.outbox[-1].subject
    assert "----------" in mail.outbox[-1].body


def test_a_status_the_current_one_does_not_allow_is_refused(appeal, operator):
    with pytest.raises(AppealRefusal, match="cannot become"):
        appeal_status_set(appeal=appeal, status="closed", actor=operator)
    with pytest.raises(AppealRefusal, match="Say why"):
        appeal_status_set(appeal=appeal, status="rejected", actor=operator)
    assert Appeal.objects.get(pk=appeal.pk).status == "registered"


def test_an_extension_needs_a_reason_and_stays_within_two_months(appeal, operator):
    limit = appeal.registered_on + datetime.timedelta(days=70)
    with pytest.raises(AppealRefusal, match="written reason"):
        appeal_extend(
            appeal=appeal, until=appeal.deadline + datetime.timedelta(1), reason="", actor=operator
        )
    with pytest.raises(AppealRefusal, match="two months"):
        appeal_extend(appeal=appeal, until=limit, reason="Нужна экспертиза", actor=operator)
    extended = appeal_extend(
        appeal=appeal,
        until=appeal.deadline + datetime.timedelta(days=20),
        reason="Нужна экспертиза",
        actor=operator,
    )
    assert extended.due == appeal.deadline + datetime.timedelta(days=20)


def test_an_answer_with_photos_closes_the_work_and_reassigning_moves_it(appeal, operator):
    roads = appeal.department
    housing = Department.objects.get(slug="housing")
    reassigned = appeal_reassign(appeal=appeal, department=housing, actor=operator, note="")
    assert Appeal.objects.get(pk=appeal.pk).department == housing
    # Housing's operator answers the appeal as he loads it now, with its new department.
    answered = appeal_answer(
        appeal=reassigned, text="Яма заделана 3 июня.", actor=operator, photos=[jpeg_with_gps()]
    )
    assert answered.status == "answered" and answered.answered_at is not None
    assert answered.photos.filter(source="answer").count() == 1
    assert roads != housing


def test_audit_entries_never_hold_the_applicants_identity(appeal, operator):
    appeal_status_set(appeal=appeal, status="in_progress", actor=operator)
    appeal_file(
        category=Category.objects.get(slug="roads"),
        description="Яма на дороге у рынка",
        applicant=WITH_EMAIL,
        actor=operator,
        **TARAZ,
    )
    stored = " ".join(str(entry.before) + str(entry.after) for entry in AuditEntry.objects.all())
    assert AuditEntry.objects.count() >= 2
    for secret in ("Сейткали", "061211600012", "aigerim@example.kz"):
        assert secret not in stored
