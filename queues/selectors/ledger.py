"""Reading a queue's published ledger: its entries in keyset pages, its head and its roots."""

from collections.abc import Iterator
from typing import Any

from django.db import connections, router, transaction
from django.db.models.expressions import RawSQL

from queues.ledger import published_entry, timestamp_text
from queues.models import GENESIS_HASH, LedgerEntry, LedgerRoot, Queue

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
