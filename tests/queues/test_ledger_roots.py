"""Daily roots: the head at the end of each day, published once, kept for good."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from parcels.models import LandPurpose
from queues.ledger import LedgerEvent
from queues.models import LedgerEntry, LedgerRoot
from queues.services.ledger import ledger_append_many
from queues.services.roots import ledger_root_publish, ledger_roots_publish_task
from rgis.errors import Refusal
from tests.factories import QueueFactory
from tests.queues.ledger_fixtures import chain_make

pytestmark = pytest.mark.django_db


def days_ago(count: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=count)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A local moment of a day (the portal's zone, Asia/Almaty)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def draws(queue, count: int, moment: datetime.datetime) -> None:
    ledger_append_many(queue=queue, events=[LedgerEvent("lot_drawn")] * count, at=moment)


def publish(*arguments: str) -> str:
    out = io.StringIO()
    call_command("queue_publish_roots", "--language", "en", *arguments, stdout=out)
    return out.getvalue()


def head_hash(queue, sequence: int) -> str:
    return LedgerEntry.objects.get(queue=queue, sequence=sequence).entry_hash


def test_a_days_root_is_the_last_entry_before_local_midnight(queue):
    day = days_ago(3)
    draws(queue, 2, at(day, 9))
    draws(queue, 1, at(day, 23, 59))
    # 00:30 in Taraz is still the day before in UTC: it belongs to the next day.
    draws(queue, 4, at(day + datetime.timedelta(days=1), 0, 30))
    root = ledger_root_publish(queue=queue, day=day)
    assert (root.day, root.sequence, root.root_hash) == (day, 3, head_hash(queue, 3))
    later = ledger_root_publish(queue=queue, day=day + datetime.timedelta(days=1))
    assert later.sequence == 7
    # A quiet day repeats the head it ended with.
    assert ledger_root_publish(queue=queue, day=day + datetime.timedelta(days=2)).sequence == 7


def test_publishing_a_day_again_leaves_its_root_alone(queue):
    day = days_ago(2)
    draws(queue, 2, at(day, 12))
    first = ledger_root_publish(queue=queue, day=day)
    draws(queue, 3, at(day, 18))  # recorded late, e.g. a back-dated import
    again = ledger_root_publish(queue=queue, day=day)
    assert again.pk == first.pk and again.sequence == 2
    assert LedgerRoot.objects.filter(queue=queue).count() == 1


def test_a_day_is_published_only_once_it_is_over(queue):
    chain_make(queue, 1)
    with pytest.raises(Refusal, match="once that day is over"):
        ledger_root_publish(queue=queue, day=timezone.localdate())
    with pytest.raises(CommandError, match="once that day is over"):
        publish("--day", timezone.localdate().isoformat())
    assert not LedgerRoot.objects.exists()


def test_the_command_publishes_yesterday_for_every_queue_once(queue):
    other = QueueFactory(slug="taraz-garden", purpose=LandPurpose.objects.get(code="gardening"))
    draws(queue, 3, at(days_ago(1), 10))
    first = publish()
    yesterday = days_ago(1).isoformat()
    assert f"taraz-izhs {yesterday}: root published, entry 3 {head_hash(queue, 3)}" in first
    assert f"taraz-garden {yesterday}: no entries yet, nothing to publish" in first
    second = publish()
    assert f"taraz-izhs {yesterday}: already published, entry 3" in second
    assert LedgerRoot.objects.filter(queue=queue).count() == 1
    assert not LedgerRoot.objects.filter(queue=other).exists()


def test_the_command_publishes_a_missed_day_of_one_queue(queue):
    draws(queue, 2, at(days_ago(5), 10))
    draws(queue, 2, at(days_ago(4), 10))
    out = publish("--day", days_ago(5).isoformat(), "--queue", "taraz-izhs")
    assert "root published, entry 2" in out
    with pytest.raises(CommandError, match="No queue with the code nowhere"):
        publish("--queue", "nowhere")
    with pytest.raises(CommandError, match="Give the day as YYYY-MM-DD"):
        publish("--day", "05.11.2026")


def test_the_background_job_publishes_yesterdays_roots(queue, run_jobs):
    draws(queue, 2, at(days_ago(1), 8))
    ledger_roots_publish_task.enqueue()
    assert run_jobs() == ["ledger_roots_publish_task"]
    assert LedgerRoot.objects.get(queue=queue).day == days_ago(1)


def test_the_database_refuses_to_change_or_remove_a_root(queue):
    draws(queue, 1, at(days_ago(1), 8))
    ledger_root_publish(queue=queue, day=days_ago(1))
    for statement in (
        "UPDATE queues_ledgerroot SET root_hash = repeat('0', 64)",
        "DELETE FROM queues_ledgerroot",
    ):
        with (
            pytest.raises(Exception, match="append-only: .* on queues_ledgerroot refused"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    with (
        pytest.raises(Exception, match="append-only: TRUNCATE on queues_ledgerroot refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL rgis.test_flush = 'off'")
        cursor.execute("TRUNCATE queues_ledgerroot")
    assert LedgerRoot.objects.get(queue=queue).sequence == 1
