"""Daily roots: the head of each queue's chain at the end of a day, published for good.

A root says "at the end of this day the chain stood at entry N with hash H". Once it is
published (and copied by anyone who downloads it), every later chain must extend it: a
change to any entry up to N shows, even if the whole rest of the chain were recomputed.
Roots are append-only in the database, like the entries (queues migration 0002).

The day is the portal's local day (settings.TIME_ZONE); its root is the last entry recorded
before the next local midnight. A day is published once it is over, and only once:
running the publication again leaves a published day alone, so a scheduler may run it
every hour (docker/compose.yml does).
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from queues.errors import QueueRefusal
from queues.models import LedgerEntry, LedgerRoot, Queue


def day_end(day: datetime.date) -> datetime.datetime:
    """The first moment after a local day: midnight of the next day in the portal's zone."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


def ledger_root_publish(*, queue: Queue, day: datetime.date) -> LedgerRoot | None:
    """Publish the head of a queue's chain at the end of a finished day (once per day).

    Returns the day's root, the one published earlier if there is one, or None when the
    chain had no entry yet by the end of that day.
    """
    end = day_end(day)
    if end > timezone.now():
        raise QueueRefusal(
            _("The root of %(day)s can be published once that day is over.")
            % {"day": day.isoformat()}
        )
    published = LedgerRoot.objects.filter(queue=queue, day=day).first()
    if published is not None:
        return published
    head = (
        LedgerEntry.objects.filter(queue=queue, recorded_at__lt=end)
        .order_by("-sequence")
        .values_list("sequence", "entry_hash")
        .first()
    )
    if head is None:
        return None
    sequence, entry_hash = head
    try:
        with transaction.atomic():
            return LedgerRoot.objects.create(
                queue=queue, day=day, sequence=sequence, root_hash=entry_hash
            )
    except IntegrityError:
        # Another run published the day at the same moment: theirs stands.
        return LedgerRoot.objects.get(queue=queue, day=day)


@dataclass
class RootsPublished:
    """What one run of the daily publication did, queue by queue."""

    day: datetime.date
    published: list[LedgerRoot] = field(default_factory=list)
    already: list[LedgerRoot] = field(default_factory=list)
    empty: list[Queue] = field(default_factory=list)


def ledger_roots_publish(
    *, day: datetime.date | None = None, queue_codes: Sequence[str] | None = None
) -> RootsPublished:
    """Publish a finished day's root (yesterday by default) of every queue that has none,
    or of the queues with these codes (a refusal names any code that is no queue's)."""
    day = day or yesterday()
    if queue_codes:
        queues = list(Queue.objects.filter(slug__in=queue_codes).order_by("slug"))
        unknown = set(queue_codes) - {queue.slug for queue in queues}
        if unknown:
            raise QueueRefusal(
                _("No queue with the code %(code)s.") % {"code": ", ".join(sorted(unknown))}
            )
    else:
        queues = list(Queue.objects.order_by("slug"))
    outcome = RootsPublished(day=day)
    for queue in queues:
        already = LedgerRoot.objects.filter(queue=queue, day=day).first()
        if already is not None:
            outcome.already.append(already)
            continue
        root = ledger_root_publish(queue=queue, day=day)
        if root is None:
            outcome.empty.append(queue)
        else:
            outcome.published.append(root)
    return outcome


# Declared beside its service like offers_expire_task (see queues/tasks.py).
@task(queue_name="default")
def ledger_roots_publish_task(day: str = "") -> int:
    """Publish yesterday's (or the given ISO day's) roots; returns how many were new."""
    chosen = datetime.date.fromisoformat(day) if day else None
    return len(ledger_roots_publish(day=chosen).published)
