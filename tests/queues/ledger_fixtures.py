"""Chains for the ledger tests, made through the real services, and ways to tamper with them.

Tampering goes behind the application's back the only way it can: with the append-only
trigger disabled, as someone with the database owner's rights would.
"""

import contextlib
import datetime
import json

from django.db import connection
from django.utils import timezone

from queues.ledger import FORM_KEYS, entry_hash_compute, published_entry
from queues.models import LedgerEntry, Queue
from queues.services.applications import application_register
from queues.services.ledger import ledger_append
from tests.queues.factories import iin_make

NAMES = [f"Тестов Ледгер {index}" for index in range(10)]


def chain_make(queue: Queue, count: int, *, start: int = 0) -> list[str]:
    """`count` registrations (with e-mails) and, every third, a verification; their IINs."""
    iins = []
    now = timezone.now()
    for index in range(start, start + count):
        iin = iin_make(900 + index)
        application = application_register(
            queue=queue,
            full_name=NAMES[index % len(NAMES)],
            iin=iin,
            email=f"ledger{index}@example.kz",
            filed_at=now - datetime.timedelta(days=100 - index),
        )
        iins.append(iin)
        if index % 3 == 2:
            ledger_append(
                queue=queue,
                event=LedgerEntry.Event.VERIFIED,
                application_number=application.number,
                applicant_key=application.iin_digest,
                details={"status": "waiting"},
            )
    return iins


@contextlib.contextmanager
def trigger_off():
    """A cursor with the ledger's append-only trigger disabled (re-enabled on the way out)."""
    with connection.cursor() as cursor:
        # The test's own inserts leave deferred foreign-key checks pending, and PostgreSQL
        # alters no table with pending trigger events: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "ALTER TABLE queues_ledgerentry DISABLE TRIGGER queues_ledgerentry_append_only"
        )
        try:
            yield cursor
        finally:
            cursor.execute(
                "ALTER TABLE queues_ledgerentry ENABLE TRIGGER queues_ledgerentry_append_only"
            )


def entry_edit(queue: Queue, sequence: int, details: dict) -> None:
    with trigger_off() as cursor:
        cursor.execute(
            "UPDATE queues_ledgerentry SET details = %s::jsonb "
            "WHERE queue_id = %s AND sequence = %s",
            [json.dumps(details), queue.pk, sequence],
        )


def entry_delete(queue: Queue, sequence: int) -> None:
    with trigger_off() as cursor:
        cursor.execute(
            "DELETE FROM queues_ledgerentry WHERE queue_id = %s AND sequence = %s",
            [queue.pk, sequence],
        )


def entries_swap(queue: Queue, first: int, second: int) -> None:
    """Exchange two entries' places (their numbers), hashes and all."""
    with trigger_off() as cursor:
        for old, new in ((first, 10**12), (second, first), (10**12, second)):
            cursor.execute(
                "UPDATE queues_ledgerentry SET sequence = %s WHERE queue_id = %s AND sequence = %s",
                [new, queue.pk, old],
            )


def chain_rewrite_from(queue: Queue, sequence: int, details: dict) -> None:
    """Change an entry and recompute every hash after it: a consistent, rewritten chain."""
    rows = list(
        LedgerEntry.objects.filter(queue=queue, sequence__gte=sequence)
        .order_by("sequence")
        .values_list(
            "sequence",
            "recorded_at",
            "event",
            "application_number",
            "applicant_key",
            "details",
            "previous_hash",
            "entry_hash",
        )
    )
    previous = rows[0][6]
    with trigger_off() as cursor:
        for row in rows:
            entry = published_entry(queue.slug, row)
            if entry["sequence"] == sequence:
                entry["details"] = details
            form = {key: entry[key] for key in FORM_KEYS}
            new_hash = entry_hash_compute(previous, form)
            cursor.execute(
                "UPDATE queues_ledgerentry SET details = %s::jsonb, previous_hash = %s, "
                "entry_hash = %s WHERE queue_id = %s AND sequence = %s",
                [
                    json.dumps(entry["details"]),
                    previous,
                    new_hash,
                    queue.pk,
                    entry["sequence"],
                ],
            )
            previous = new_hash
