import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from queues.errors import QueueRefusal
from queues.models import Application, LedgerEntry
from queues.selectors.positions import application_position, application_positions
from queues.services.applications import (
    application_correct,
    application_register,
    application_verify,
)
from queues.services.offers import offer_accept, offer_to_head
from queues.services.removals import application_remove
from tests.factories import QueueFactory, SettlementFactory
from tests.queues.factories import ParcelFactory, applications_register, iin_make

pytestmark = pytest.mark.django_db


def _positions(applications):
    for application in applications:
        application.refresh_from_db()
    return [application_position(a) for a in applications]


def test_positions_after_allocations_and_removals(queue, removal_reason):
    applications = applications_register(queue, 6)
    assert _positions(applications) == [1, 2, 3, 4, 5, 6]

    application_verify(application=applications[0], actor=None)
    offer = offer_to_head(queue=queue, parcel=ParcelFactory(), actor=None)
    offer_accept(offer=offer, actor=None)
    application_remove(application=applications[3], reason=removal_reason, actor=None)

    assert _positions(applications) == [None, 1, 2, None, 3, 4]
    # The staff list computes the same places for a whole page in one query.
    assert application_positions(queue.pk, applications) == {
        applications[1].pk: 1,
        applications[2].pk: 2,
        applications[4].pk: 3,
        applications[5].pk: 4,
    }


def test_a_new_filing_time_moves_the_application_and_the_ledger_shows_it(queue):
    applications = applications_register(queue, 3)
    last = applications[2]
    earlier = applications[0].filed_at - datetime.timedelta(hours=1)

    application_correct(
        application=last, changes={"filed_at": earlier}, actor=None, reason="журнал 2019, стр. 4"
    )

    assert _positions(applications) == [2, 3, 1]
    entry = LedgerEntry.objects.filter(queue=queue).latest("sequence")
    assert entry.event == "corrected"
    assert entry.details["fields"] == ["filed_at"]
    assert (entry.details["position_before"], entry.details["position_after"]) == (3, 1)
    assert entry.details["filed_at_after"].startswith(
        earlier.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M")
    )


def test_a_name_correction_keeps_personal_data_out_of_the_ledger(queue):
    [application] = applications_register(queue, 1)
    application_correct(
        application=application,
        changes={"full_name": "Тестова Заявительница", "email": "new@example.kz"},
        actor=None,
        reason="опечатка",
    )
    application.refresh_from_db()
    assert application.full_name == "Тестова Заявительница"
    entry = LedgerEntry.objects.filter(queue=queue).latest("sequence")
    assert entry.details == {"fields": ["email", "full_name"], "status": "waiting"}
    assert "Тестова" not in str(entry.details)
    with pytest.raises(QueueRefusal, match="Nothing to correct"):
        application_correct(
            application=application,
            changes={"full_name": "Тестова  Заявительница"},
            actor=None,
            reason="x",
        )


def test_the_database_refuses_a_new_application_for_a_purpose_already_received(queue):
    iin = iin_make(77)
    first = application_register(queue=queue, full_name="Ахметов Болат", iin=iin)
    application_verify(application=first, actor=None)
    offer_accept(offer=offer_to_head(queue=queue, parcel=ParcelFactory(), actor=None), actor=None)

    # The same purpose in another settlement's queue: still once in a lifetime.
    other_queue = QueueFactory(slug="shu-izhs", settlement=SettlementFactory(slug="shu"))
    with pytest.raises(QueueRefusal, match="already received a plot for this purpose"):
        application_register(queue=other_queue, full_name="Ахметов Болат", iin=iin)
    # And not only through the service: a raw insert is refused by the database itself.
    with (
        pytest.raises(IntegrityError, match="application_plot_once_per_purpose"),
        transaction.atomic(),
    ):
        Application.objects.create(
            queue=other_queue,
            purpose_id=other_queue.purpose_id,
            number="RAW-1",
            filed_at=timezone.now(),
            status_changed_at=timezone.now(),
            full_name="x",
            iin_encrypted="x",
            iin_digest=first.iin_digest,
        )
