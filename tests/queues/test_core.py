import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from queues.errors import QueueRefusal
from queues.models import Application, LedgerEntry
from queues.selectors.positions import application_position
from queues.services.applications import application_register
from rgis.personal import InvalidIIN, iin_validate
from tests.factories import QueueFactory

pytestmark = pytest.mark.django_db

VALID_IINS = ["791028302728", "061211600012"]


@pytest.mark.parametrize("iin", VALID_IINS)
def test_valid_iins_pass(iin):
    assert iin_validate(iin) == iin


@pytest.mark.parametrize(
    ("iin", "message"),
    [
        ("791028302729", "check digit"),
        ("79102830272", "12 digits"),
        ("7910283027a8", "12 digits"),
        ("791328302728", "birth date"),
        ("791028002728", "7th digit"),
    ],
)
def test_invalid_iins_are_refused_saying_why(iin, message):
    with pytest.raises(InvalidIIN) as refused:
        iin_validate(iin)
    assert message in " ".join(refused.value.messages)


def _filed(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def test_positions_follow_filing_time_then_number():
    queue = QueueFactory()
    first = application_register(
        queue=queue, full_name="Ахметов Болат", iin=VALID_IINS[0], filed_at=_filed(30)
    )
    second = application_register(
        queue=queue, full_name="Сейткали Айгерим", iin=VALID_IINS[1], filed_at=_filed(2)
    )
    assert application_position(first) == 1
    assert application_position(second) == 2
    assert LedgerEntry.objects.filter(queue=queue).count() == 2


def test_a_second_live_application_in_the_same_queue_is_refused():
    queue = QueueFactory()
    application_register(queue=queue, full_name="Ахметов Болат", iin=VALID_IINS[0])
    with pytest.raises(QueueRefusal, match="already has a live application"):
        application_register(queue=queue, full_name="Ахметов Болат", iin=VALID_IINS[0])
    assert Application.objects.count() == 1
    assert LedgerEntry.objects.count() == 1


def test_the_ledger_refuses_update_delete_and_truncate_in_the_database():
    queue = QueueFactory()
    application_register(queue=queue, full_name="Ахметов Болат", iin=VALID_IINS[0])
    for statement in (
        "UPDATE queues_ledgerentry SET event = 'removed'",
        "DELETE FROM queues_ledgerentry",
    ):
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # The test's own inserts leave deferred foreign-key checks pending; run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL rgis.test_flush = 'off'")
        cursor.execute("TRUNCATE queues_ledgerentry")
    assert LedgerEntry.objects.count() == 1


def test_the_database_refuses_a_second_live_application_whatever_writes_it():
    queue = QueueFactory()
    first = application_register(queue=queue, full_name="Ахметов Болат", iin=VALID_IINS[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            queue=queue,
            purpose_id=queue.purpose_id,
            number="X-1",
            filed_at=timezone.now(),
            status_changed_at=timezone.now(),
            full_name="x",
            iin_encrypted="x",
            iin_digest=first.iin_digest,
        )


def test_invented_iins_for_demo_and_benchmarks_are_valid_and_distinct():
    from rgis.personal import iin_invented

    made = [iin_invented(index) for index in range(0, 200_000, 13)]
    assert len(set(made)) == len(made)
    assert all(iin_validate(iin) == iin for iin in made)
