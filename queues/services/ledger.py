"""Appending to a queue's hash chain (the format is queues/ledger.py)."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from queues.ledger import LedgerEvent, entry_hash_compute, public_form
from queues.models import GENESIS_HASH, LedgerEntry, Queue


def ledger_append_many(
    *, queue: Queue, events: Sequence[LedgerEvent], at: datetime.datetime | None = None
) -> list[LedgerEntry]:
    """Append events to a queue's chain, in order, in the caller's transaction."""
    if not events:
        return []
    with transaction.atomic():
        # The queue row is the chain's lock: one writer per queue at a time. The time is
        # read once it is held, so entries of concurrent writers keep time order too.
        Queue.objects.select_for_update().filter(pk=queue.pk).first()
        recorded_at = at or timezone.now()
        head = (
            LedgerEntry.objects.filter(queue=queue)
            .order_by("-sequence")
            .values_list("sequence", "entry_hash")
            .first()
        )
        sequence, previous_hash = head if head else (0, GENESIS_HASH)
        entries = []
        for event in events:
            sequence += 1
            entry = LedgerEntry(
                queue=queue,
                sequence=sequence,
                recorded_at=recorded_at,
                event=event.event,
                application_number=event.application_number,
                applicant_key=event.applicant_key,
                details=event.details or {},
                previous_hash=previous_hash,
            )
            entry.entry_hash = entry_hash_compute(previous_hash, public_form(entry, queue.slug))
            previous_hash = entry.entry_hash
            entries.append(entry)
        return LedgerEntry.objects.bulk_create(entries, batch_size=5000)


def ledger_append(
    *,
    queue: Queue,
    event: str,
    application_number: str = "",
    applicant_key: str = "",
    details: dict[str, Any] | None = None,
) -> LedgerEntry:
    """Append one event to a queue's chain (in the caller's transaction)."""
    [entry] = ledger_append_many(
        queue=queue,
        events=[LedgerEvent(event, application_number, applicant_key, details)],
    )
    return entry
