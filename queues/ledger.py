"""The public, hash-chained ledger of every queue event.

Each entry's hash covers the previous entry's hash and the entry's public form, written as
canonical JSON (keys sorted, no spaces, UTF-8):

    entry_hash = sha256(previous_hash + "\\n" + canonical_json(public_form))

so anyone holding the published ledger can recompute the chain with any SHA-256 tool, and
a changed, removed or reordered entry breaks every hash after it. The first entry's
previous hash is 64 zeros. Appends to one queue are serialised by locking the queue row.

Reading: ledger_entries streams the published form (the API, the download and the check
use it); queue_chain_check recomputes a chain against its daily roots (queues/roots.py)
with the streaming check of queues/ledger_check.py. The rule is spelled out, with a worked
example, in docs/ledger.md.
"""

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography.fernet import InvalidToken
from django.db import connections, router, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from queues.models import GENESIS_HASH, Application, LedgerEntry, LedgerRoot, Queue
from rgis.personal import ledger_pseudonym, personal_decrypt_or_fail

if TYPE_CHECKING:
    from queues.ledger_check import ChainProblem, ChainReport


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


def ledger_applicant_of(application: Application) -> str:
    """The applicant hash the ledger gives an application: the one its entries carry.

    Read from the application's latest entry (a corrected IIN changes it there), never
    from `iin_digest`: that look-up hash is re-keyed by `personal_data_rotate`, while the
    ledger's pseudonym key never changes (rgis.personal.ledger_pseudonym).
    """
    applicant = (
        LedgerEntry.objects.filter(
            queue_id=application.queue_id, application_number=application.number
        )
        .exclude(applicant_key="")
        .order_by("-sequence")
        .values_list("applicant_key", flat=True)
        .first()
    )
    if applicant:
        return applicant
    try:
        return ledger_pseudonym(personal_decrypt_or_fail(application.iin_encrypted))
    except InvalidToken:
        # Rows bulk-loaded outside the services (benchmarks) with no readable IIN.
        return application.iin_digest


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


def chain_problems(
    entries: Iterable[Mapping[str, Any]], roots: Iterable[Mapping[str, Any]] = ()
) -> list["ChainProblem"]:
    """Every disagreement of a chain with itself and with the roots (see ledger_check).

    Each entry is a dict like public_form() with "previous_hash" and "entry_hash" added;
    each root has "day", "sequence" and "root_hash".
    """
    from queues.ledger_check import chain_check

    report = chain_check(entries, roots)
    return report.problems + [root.as_problem() for root in report.roots_broken]


# The ledger's timestamp written by PostgreSQL itself: the same text as timestamp_text(),
# without building a datetime per row (a third of the time of a million-entry check).
_RECORDED_AT_TEXT = RawSQL(
    """to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')""", []
)
# What ledger_entries reads of each row, in this order.
_COLUMNS = (
    "sequence",
    "recorded_at_text",
    "event",
    "application_number",
    "applicant_key",
    "details",
    "previous_hash",
    "entry_hash",
)


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


# The unbounded read (the JSON Lines download, the chain check) goes by keyset pages: each
# page is its own short query (and, outside a transaction, its own transaction with a
# statement timeout), so no server-side cursor or transaction stays open while a slow
# client reads the download, and no one page can run unbounded.
LEDGER_PAGE_SIZE = 5000
LEDGER_PAGE_TIMEOUT_MS = 10_000


def _ledger_page(queue: Queue, *, after: int, limit: int) -> list[tuple[Any, ...]]:
    rows = (
        LedgerEntry.objects.filter(queue=queue, sequence__gt=after)
        .order_by("sequence")
        .annotate(recorded_at_text=_RECORDED_AT_TEXT)
        .values_list(*_COLUMNS)
    )
    connection = connections[router.db_for_read(LedgerEntry)]
    if connection.in_atomic_block:
        return list(rows[:limit])
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)", [str(LEDGER_PAGE_TIMEOUT_MS)]
            )
        return list(rows[:limit])


def ledger_entries(
    queue: Queue, *, after: int = 0, limit: int | None = None
) -> Iterator[dict[str, Any]]:
    """A queue's entries in their published form, by sequence; without a limit, all of them
    in keyset pages of LEDGER_PAGE_SIZE (one short query each, nothing held between)."""
    if limit is not None:
        for row in _ledger_page(queue, after=after, limit=limit):
            yield published_entry(queue.slug, row)
        return
    while True:
        page = _ledger_page(queue, after=after, limit=LEDGER_PAGE_SIZE)
        for row in page:
            yield published_entry(queue.slug, row)
        if len(page) < LEDGER_PAGE_SIZE:
            return
        after = page[-1][_COLUMNS.index("sequence")]


def ledger_head(queue: Queue) -> tuple[int, str]:
    """The last entry's sequence and hash (0 and 64 zeros for an empty chain)."""
    head = (
        LedgerEntry.objects.filter(queue=queue)
        .order_by("-sequence")
        .values_list("sequence", "entry_hash")
        .first()
    )
    return head if head else (0, GENESIS_HASH)


def ledger_roots(queue: Queue) -> list[dict[str, Any]]:
    """The roots published for a queue, oldest first, as the API publishes them."""
    return [
        {
            "day": day.isoformat(),
            "sequence": sequence,
            "root_hash": root_hash,
            "published_at": timestamp_text(published_at),
        }
        for day, sequence, root_hash, published_at in LedgerRoot.objects.filter(queue=queue)
        .order_by("day")
        .values_list("day", "sequence", "root_hash", "published_at")
    ]


def queue_chain_check(
    queue: Queue, *, entries: Iterable[Mapping[str, Any]] | None = None
) -> "ChainReport":
    """Recompute a queue's chain from the database (or the given entries) against its roots."""
    from queues.ledger_check import chain_check

    roots = ledger_roots(queue)
    if entries is not None:
        return chain_check(entries, roots, queue=queue.slug)
    # Inside a transaction the server-side cursor streams; outside one PostgreSQL would
    # first copy the whole result aside (a cursor WITH HOLD).
    with transaction.atomic():
        return chain_check(ledger_entries(queue), roots, queue=queue.slug)


FORM_KEYS = ("queue", "sequence", "recorded_at", "event", "application", "applicant", "details")
