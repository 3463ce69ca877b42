"""The public check of a queue's ledger: /<lang>/queues/<queue>/verify/ (no sign-in, no JS).

The page recomputes the chain from the database with the same core as `manage.py
queue_verify` (queues.ledger.queue_chain_check). A million entries take seconds, so the
outcome is kept in the cache for a few minutes (RGIS_LEDGER_CHECK_SECONDS): it is redone
when the chain's head moved or the time ran out. For a chain longer than
RGIS_LEDGER_CHECK_INLINE_MAX entries a moved head alone does not trigger a recomputation
within that time; the page then says up to which entry it checked. The command always
recomputes.
"""

import datetime
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from queues.ledger import ledger_head, queue_chain_check
from queues.ledger_check import ChainReport
from queues.models import Queue

ROOTS_SHOWN = 14


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

    report: ChainReport
    checked_at: datetime.datetime
    head_now: int

    @property
    def behind(self) -> int:
        """Entries appended since the check ran (a long chain is not rechecked at once)."""
        return max(0, self.head_now - self.report.head_sequence)


def ledger_check_cached(queue: Queue) -> CheckedChain:
    """The chain check of a queue, recomputed when the head moved or the result is old."""
    seconds = getattr(settings, "RGIS_LEDGER_CHECK_SECONDS", 300)
    inline_max = getattr(settings, "RGIS_LEDGER_CHECK_INLINE_MAX", 100_000)
    head_sequence, head_hash = ledger_head(queue)
    key = f"queues:ledger-check:{queue.pk}"
    cached = cache.get(key)
    if cached is not None:
        report, checked_at = cached
        fresh = timezone.now() - checked_at < datetime.timedelta(seconds=seconds)
        same_head = (report.head_sequence, report.head_hash) == (head_sequence, head_hash)
        if fresh and (same_head or head_sequence > inline_max):
            return CheckedChain(report, checked_at, head_sequence)
    # One recomputation at a time (per cache); meanwhile the others show the last outcome.
    running = cache.add(f"{key}:running", True, timeout=600)
    if not running and cached is not None:
        return CheckedChain(cached[0], cached[1], head_sequence)
    try:
        report = queue_chain_check(queue)
        checked_at = timezone.now()
        cache.set(key, (report, checked_at), seconds)
    finally:
        if running:
            cache.delete(f"{key}:running")
    return CheckedChain(report, checked_at, max(head_sequence, report.head_sequence))


@require_GET
def ledger_verify_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Recompute a queue's ledger and show whether it is intact, and how to check it oneself."""
    queue = Queue.objects.select_related("settlement", "purpose").filter(slug=slug).first()
    if queue is None:
        raise Http404("No such queue")
    checked = ledger_check_cached(queue)
    report = checked.report
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
            "roots_extended": len(report.roots) - len(report.roots_broken),
            "download_url": api("queues_api:ledger_download"),
            "roots_url": api("queues_api:roots"),
            "ledger_url": api("queues_api:ledger"),
            "script_url": request.build_absolute_uri(reverse("queues_api:verify_script")),
        },
        status=200,
    )
    response["Cache-Control"] = "public, max-age=60"
    return response
