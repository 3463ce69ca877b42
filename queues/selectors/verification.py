"""Is a queue's ledger intact: its chain recomputed against its daily roots.

One core for every door: the public page /<lang>/queues/<queue>/verify/, `manage.py
queue_verify` (from the database or from a downloaded ledger.jsonl) and the tests. The page
keeps the outcome in the cache:
- a chain of up to RGIS_LEDGER_CHECK_INLINE_MAX entries (20,000: about a second) is
  recomputed during the request whenever its head moved or the outcome is older than
  RGIS_LEDGER_CHECK_SECONDS;
- a longer one (a million entries take most of a minute) is never recomputed during a
  request: once its outcome is older than RGIS_LEDGER_CHECK_SECONDS a thread of this
  process recomputes it while the page shows the previous outcome, up to which entry it
  got and when, or says that a check is running.
The cache is per process unless a shared one is configured. The command always recomputes.
"""

import datetime
import itertools
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from queues.errors import QueueRefusal
from queues.ledger_check import chain_check, entries_from_lines
from queues.ledger_report import ChainReport, RootCheck
from queues.models import Queue
from queues.selectors.ledger import ledger_entries, ledger_head, ledger_roots

ROOTS_SHOWN = 14
# The checks of long chains running in this process, by queue id (tests join them).
background_checks: dict[int, threading.Thread] = {}
_background_lock = threading.Lock()


def queue_chain_check(
    queue: Queue, *, entries: Iterable[Mapping[str, Any]] | None = None
) -> ChainReport:
    """Recompute a queue's chain from the database (or the given entries) against its roots."""
    roots = ledger_roots(queue)
    if entries is not None:
        return chain_check(entries, roots, queue=queue.slug)
    # Inside a transaction the server-side cursor streams; outside one PostgreSQL would
    # first copy the whole result aside (a cursor WITH HOLD).
    with transaction.atomic():
        return chain_check(ledger_entries(queue), roots, queue=queue.slug)


def _queue_by_code(code: str) -> Queue:
    queue = Queue.objects.filter(slug=code).first()
    if queue is None:
        raise QueueRefusal(_("No queue with the code %(code)s.") % {"code": code})
    return queue


def queue_chain_reports(*, code: str = "", path: Path | None = None) -> list[ChainReport]:
    """The check of one queue's chain (every queue's without a code) from the database, or
    of a downloaded ledger.jsonl at `path`; a QueueRefusal says what is wrong with either."""
    if path is None:
        queues = [_queue_by_code(code)] if code else list(Queue.objects.order_by("slug"))
        return [queue_chain_check(queue) for queue in queues]
    if not path.is_file():
        raise QueueRefusal(_("No such file: %(path)s") % {"path": path})
    with path.open(encoding="utf-8") as lines:
        entries = entries_from_lines(lines)
        try:
            first = next(entries, None)
            queue = _queue_by_code(code or str(first["queue"] if first else ""))
            if first is not None and first["queue"] != queue.slug:
                raise QueueRefusal(
                    _("The file holds the ledger of %(file)s, not of %(queue)s.")
                    % {"file": first["queue"], "queue": queue.slug}
                )
            head = [first] if first is not None else []
            return [queue_chain_check(queue, entries=itertools.chain(head, entries))]
        except ValueError as error:
            raise QueueRefusal(
                _("%(path)s is not a ledger download: %(error)s") % {"path": path, "error": error}
            ) from None


@dataclass
class CheckedChain:
    """A chain check as the page shows it: when it ran and how far the chain is now."""

    report: ChainReport | None  # None: the first check of a long chain is still running
    checked_at: datetime.datetime | None
    head_now: int
    running: bool = False

    @property
    def behind(self) -> int:
        """Entries appended since the check ran (a long chain is not rechecked at once)."""
        if self.report is None:
            return 0
        return max(0, self.head_now - self.report.head_sequence)

    @property
    def roots_shown(self) -> list[RootCheck]:
        """The roots the page lists: every broken one and the latest extended, newest first."""
        if self.report is None:
            return []
        shown = self.report.roots_broken + [
            root for root in self.report.roots[-ROOTS_SHOWN:] if root.extended
        ]
        return sorted(shown, key=lambda root: root.day, reverse=True)

    @property
    def roots_extended(self) -> int:
        if self.report is None:
            return 0
        return len(self.report.roots) - len(self.report.roots_broken)


def _cache_key(queue: Queue) -> str:
    return f"queues:ledger-check:{queue.pk}"


def _check_and_keep(queue: Queue) -> tuple[ChainReport, datetime.datetime]:
    checked = (queue_chain_check(queue), timezone.now())
    # Kept twice as long as it counts as fresh: a long chain's page shows it meanwhile.
    cache.set(_cache_key(queue), checked, 2 * settings.RGIS_LEDGER_CHECK_SECONDS)
    return checked


def _check_in_background(queue: Queue) -> None:
    """Start recomputing a long chain in a thread, unless one runs for it already."""

    def run() -> None:
        try:
            _check_and_keep(queue)
        finally:
            connections.close_all()  # this thread's own connection
            with _background_lock:
                background_checks.pop(queue.pk, None)

    with _background_lock:
        if queue.pk not in background_checks:
            thread = threading.Thread(target=run, name=f"ledger-check-{queue.slug}", daemon=True)
            background_checks[queue.pk] = thread
            thread.start()


def ledger_check_cached(queue: Queue) -> CheckedChain:
    """The chain check of a queue as the page shows it (see the module's note)."""
    seconds = settings.RGIS_LEDGER_CHECK_SECONDS
    inline_max = settings.RGIS_LEDGER_CHECK_INLINE_MAX
    head_sequence, head_hash = ledger_head(queue)
    cached = cache.get(_cache_key(queue))
    fresh = cached is not None and (
        timezone.now() - cached[1] < datetime.timedelta(seconds=seconds)
    )
    if head_sequence > inline_max:
        if not fresh:
            _check_in_background(queue)
        if cached is None:
            return CheckedChain(None, None, head_sequence, running=True)
        return CheckedChain(cached[0], cached[1], head_sequence, running=not fresh)
    if fresh and (cached[0].head_sequence, cached[0].head_hash) == (head_sequence, head_hash):
        return CheckedChain(cached[0], cached[1], head_sequence)
    report, checked_at = _check_and_keep(queue)
    return CheckedChain(report, checked_at, max(head_sequence, report.head_sequence))
