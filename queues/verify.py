"""The public check of a queue's ledger: /<lang>/queues/<queue>/verify/ (no sign-in, no JS).

The page recomputes the chain from the database with the same core as `manage.py
queue_verify` (queues.ledger.queue_chain_check), and keeps the outcome in the cache:
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
import os
import threading
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from queues.ledger import ledger_head, queue_chain_check
from queues.ledger_check import ChainReport
from queues.models import Queue

ROOTS_SHOWN = 14
# The checks of long chains running in this process, by queue id (tests join them).
background_checks: dict[int, threading.Thread] = {}
_background_lock = threading.Lock()


def operator_language(requested: object = None) -> str:
    """The language of a command's output: --language, else the shell's LANG, else the site's."""
    codes = {code for code, _name in settings.LANGUAGES}
    for candidate in (requested, os.environ.get("LC_ALL"), os.environ.get("LANG")):
        if candidate and str(candidate)[:2].lower() in codes:
            return str(candidate)[:2].lower()
    return settings.LANGUAGE_CODE


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


@require_GET
def ledger_verify_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Recompute a queue's ledger and show whether it is intact, and how to check it oneself."""
    queue = Queue.objects.select_related("settlement", "purpose").filter(slug=slug).first()
    if queue is None:
        raise Http404("No such queue")
    checked = ledger_check_cached(queue)
    report = checked.report
    roots_shown = []
    if report is not None:
        roots_shown = report.roots_broken + [
            root for root in report.roots[-ROOTS_SHOWN:] if root.extended
        ]
        roots_shown.sort(key=lambda root: root.day, reverse=True)

    def api(name: str) -> str:
        return request.build_absolute_uri(reverse(name, args=[queue.slug]))

    response = render(
        request,
        "queues/public/verify.html",
        {
            "queue": queue,
            "checked": checked,
            "report": report,
            "roots_shown": roots_shown,
            "roots_extended": len(report.roots) - len(report.roots_broken) if report else 0,
            "download_url": api("queues_api:ledger_download"),
            "roots_url": api("queues_api:roots"),
            "ledger_url": api("queues_api:ledger"),
            "script_url": request.build_absolute_uri(reverse("queues_api:verify_script")),
        },
    )
    # A check still running: the reader will reload soon and should get the outcome.
    response["Cache-Control"] = "no-cache" if report is None else "public, max-age=60"
    return response
