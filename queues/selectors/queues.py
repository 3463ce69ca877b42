"""The queues themselves: one by its code, the public list with its counts, the ledger heads."""

from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from queues.models import GENESIS_HASH, LedgerEntry, Queue, QueueDay


def queue_get(slug: str) -> Queue | None:
    """A queue by its code, with its settlement and purpose; None when there is none."""
    return Queue.objects.select_related("settlement", "purpose").filter(slug=slug).first()


def queues_public_list() -> QuerySet[Queue]:
    """Every queue with how many wait in it (sums of QueueDay: no count over the rows)."""
    waiting = (
        QueueDay.objects.filter(queue=OuterRef("pk"))
        .order_by()
        .values("queue")
        .annotate(total=Sum("waiting"))
        .values("total")
    )
    return (
        Queue.objects.select_related("settlement", "purpose")
        .annotate(waiting=Coalesce(Subquery(waiting, output_field=IntegerField()), 0))
        .order_by("settlement__slug", "purpose__code")
    )


def queue_waiting_total(queue: Queue) -> int:
    """How many applications wait in a queue."""
    total = QueueDay.objects.filter(queue=queue).aggregate(total=Sum("waiting"))["total"]
    return int(total or 0)


def queues_with_ledger_heads() -> list[tuple[Queue, int, str]]:
    """Every queue by code with its chain's head: the last entry's sequence and hash (0 and
    64 zeros for an empty chain), in one query."""
    last = LedgerEntry.objects.filter(queue=OuterRef("pk")).order_by("-sequence")
    queues = (
        Queue.objects.select_related("settlement", "purpose")
        .annotate(
            head_sequence=Subquery(last.values("sequence")[:1]),
            head_hash=Subquery(last.values("entry_hash")[:1]),
        )
        .order_by("slug")
    )
    return [(queue, queue.head_sequence or 0, queue.head_hash or GENESIS_HASH) for queue in queues]
