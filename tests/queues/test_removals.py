import pytest

from queues.errors import QueueRefusal
from queues.models import Application, LedgerEntry, RemovalReason
from queues.selectors.positions import application_position
from queues.services.offers import offer_to_head
from queues.services.removals import application_remove
from staff.models import AuditEntry
from tests.factories import StaffUserFactory
from tests.queues.factories import ParcelFactory, applications_register

pytestmark = pytest.mark.django_db


def test_removal_records_the_reason_and_moves_the_people_behind(queue, removal_reason):
    officer = StaffUserFactory(role="queue_officer")
    first, second = applications_register(queue, 2)

    application_remove(
        application=first, reason=removal_reason, actor=officer, note="заявление от 01.02"
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Application.Status.REMOVED
    assert first.removal_reason == removal_reason
    assert application_position(second) == 1
    entry = LedgerEntry.objects.filter(queue=queue).latest("sequence")
    assert entry.event == "removed"
    assert entry.details == {
        "status_before": "waiting",
        "status_after": "removed",
        "reason": "own-request",
    }
    audit = AuditEntry.objects.get(action="queues.application.remove")
    assert audit.after["note"] == "заявление от 01.02"
    assert audit.after["full_name"] == "[redacted]"


def test_an_inactive_or_unknown_reason_is_refused(queue):
    [application] = applications_register(queue, 1)
    RemovalReason.objects.filter(code="death").update(is_active=False)
    for reason in ("death", "no-such-reason"):
        with pytest.raises(QueueRefusal, match="Choose a reason"):
            application_remove(application=application, reason=reason, actor=None)
    application.refresh_from_db()
    assert application.status == Application.Status.WAITING


def test_an_offered_or_removed_application_cannot_be_removed(queue, removal_reason):
    first, second = applications_register(queue, 2)
    offer_to_head(queue=queue, parcel=ParcelFactory(), actor=None)
    with pytest.raises(QueueRefusal, match="open offer"):
        application_remove(application=first, reason=removal_reason, actor=None)
    application_remove(application=second, reason=removal_reason, actor=None)
    with pytest.raises(QueueRefusal, match="Only a waiting application"):
        application_remove(application=second, reason=removal_reason, actor=None)
    assert LedgerEntry.objects.filter(event="removed").count() == 1
