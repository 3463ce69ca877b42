"""The public, hash-chained ledger of every queue event.

Each entry's hash covers the previous entry's hash and the entry's public form, written as
canonical JSON (keys sorted, no spaces, UTF-8):

    entry_hash = sha256(previous_hash + "\\n" + canonical_json(public_form))

so anyone holding the published ledger can recompute the chain with any SHA-256 tool, and
a changed, removed or reordered entry breaks every hash after it. The first entry's
previous hash is 64 zeros. Appends to one queue are serialised by locking the queue row.
"""

import datetime
import hashlib
import json
from collections.abc import Iterable, Sequence
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
    recorded_at = at or timezone.now()
    with transaction.atomic():
        # The queue row is the chain's lock: one writer per queue at a time.
        Queue.objects.select_for_update().filter(pk=queue.pk).first()
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


@dataclass(frozen=True)
class ChainProblem:
    """Where the recomputed chain disagrees with what is stored or was published."""

    sequence: int
    kind: str  # "changed", "missing", "reordered", "root"
    message: str


def chain_problems(
    entries: Iterable[dict[str, Any]], roots: Iterable[dict[str, Any]] = ()
) -> list[ChainProblem]:
    """Recompute a chain from entries in their public form (plus their stored hashes).

    Each entry is a dict like public_form() with "previous_hash" and "entry_hash" added;
    each root has "day", "sequence" and "root_hash". Returns every disagreement found.
    """
    problems: list[ChainProblem] = []
    recomputed: dict[int, str] = {}
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    for entry in entries:
        sequence = int(entry["sequence"])
        if sequence < expected_sequence:
            problems.append(
                ChainProblem(sequence, "reordered", f"entry {sequence} is out of order")
            )
        elif sequence > expected_sequence:
            missing = (
                f"{expected_sequence}"
                if sequence == expected_sequence + 1
                else f"{expected_sequence}-{sequence - 1}"
            )
            problems.append(ChainProblem(sequence, "missing", f"entries {missing} are missing"))
        form = {key: entry[key] for key in _FORM_KEYS}
        if entry["previous_hash"] != previous_hash:
            problems.append(
                ChainProblem(
                    sequence,
                    "reordered",
                    f"entry {sequence} does not follow the entry before it",
                )
            )
        computed = entry_hash_compute(previous_hash, form)
        if computed != entry["entry_hash"]:
            problems.append(
                ChainProblem(
                    sequence, "changed", f"entry {sequence} was changed after it was recorded"
                )
            )
        recomputed[sequence] = computed
        previous_hash = computed
        expected_sequence = max(expected_sequence, sequence + 1)
    for root in roots:
        sequence = int(root["sequence"])
        if recomputed.get(sequence) != root["root_hash"]:
            problems.append(
                ChainProblem(
                    sequence,
                    "root",
                    f"the root published for {root['day']} (entry {sequence}) is not "
                    "extended by this chain",
                )
            )
    return problems


_FORM_KEYS = ("queue", "sequence", "recorded_at", "event", "application", "applicant", "details")
