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

from queues.models import LedgerEntry


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
