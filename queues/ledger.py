"""The public, hash-chained ledger of every queue event.

Each entry's hash covers the previous entry's hash and the entry's public form, written as
canonical JSON (keys sorted, no spaces, UTF-8):

    entry_hash = sha256(previous_hash + "\\n" + canonical_json(public_form))

so anyone holding the published ledger can recompute the chain with any SHA-256 tool, and
a changed, removed or reordered entry breaks every hash after it. The first entry's
previous hash is 64 zeros. Appends to one queue are serialised by locking the queue row.

This module is the format only, and touches no database: entries are appended by
queues/services/ledger.py, read by queues/selectors/ledger.py and recomputed against the
daily roots by the streaming check of queues/ledger_check.py. The rule is spelled out, with
a worked example, in docs/ledger.md.
"""

import datetime
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from queues.models import GENESIS_HASH, LedgerEntry, Queue


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def timestamp_text(moment: datetime.datetime) -> str:
    """A moment as the ledger writes it: UTC, microseconds, e.g. 2026-11-28T02:30:00.000000Z."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def public_form(entry: LedgerEntry, queue_slug: str) -> dict[str, Any]:
    """What the hash covers and what the ledger publishes for an entry."""
    return {
        "queue": queue_slug,
        "sequence": entry.sequence,
        "recorded_at": timestamp_text(entry.recorded_at),
        "event": entry.event,
        "application": entry.application_number,
        "applicant": entry.applicant_key,
        "details": entry.details,
    }


def entry_hash_compute(previous_hash: str, form: dict[str, Any]) -> str:
    payload = previous_hash + "\n" + canonical_json(form)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LedgerEvent:
    """An event to append: the application and applicant may be blank (a lot draw)."""

    event: str
    application_number: str = ""
    applicant_key: str = ""
    details: dict[str, Any] | None = None


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


def published_entry(queue_slug: str, row: Sequence[Any]) -> dict[str, Any]:
    """A stored row as the ledger publishes it: the public form plus both hashes."""
    sequence, recorded_at, event, application, applicant, details, previous, entry_hash = row
    return {
        "queue": queue_slug,
        "sequence": sequence,
        "recorded_at": recorded_at if isinstance(recorded_at, str) else timestamp_text(recorded_at),
        "event": event,
        "application": application,
        "applicant": applicant,
        "details": details,
        "previous_hash": previous,
        "entry_hash": entry_hash,
    }


FORM_KEYS = ("queue", "sequence", "recorded_at", "event", "application", "applicant", "details")
# What the published form adds to the public form: the hashes.
PUBLISHED_KEYS = (*FORM_KEYS, "previous_hash", "entry_hash")
