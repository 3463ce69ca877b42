"""Reads behind the residents' pages: queues with their counts, a page of a queue, the
applications of one number or one person, and the parcels being handed out now.

Nothing here returns personal data to a template: rows carry the masked name only.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.db import connections, router
from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from parcels.models import Parcel
from queues.models import Application, Queue, QueueDay
from rgis.personal import iin_digests, name_mask

PAGE_SIZE = 100
# Plots allocated this recently still show on the residents' map as "being handed out".
RECENT_ALLOCATION_DAYS = 90
MAP_PARCEL_LIMIT = 300


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


def queue_public_get(slug: str) -> Queue | None:
    return Queue.objects.select_related("settlement", "purpose").filter(slug=slug).first()


def queue_waiting_total(queue: Queue) -> int:
    """How many applications wait in a queue."""
    total = QueueDay.objects.filter(queue=queue).aggregate(total=Sum("waiting"))["total"]
    return int(total or 0)


@dataclass(frozen=True)
class PublicRow:
    """One line of the public queue list: nothing that names the person."""

    position: int
    number: str
    filed_at: datetime.datetime
    masked_name: str
    is_verified: bool


# The filing day holding place `start` and how many wait on the days before it: a running
# sum over the queue's day rows (a few thousand), so a page deep in a million-row queue
# reads one day's index entries instead of skipping a million.
PAGE_DAY_SQL = """
SELECT day, before FROM (
    SELECT day, waiting,
           sum(waiting) OVER (ORDER BY day) - waiting AS before
    FROM queues_queueday WHERE queue_id = %(queue)s AND waiting > 0
) days
WHERE before + waiting >= %(start)s
ORDER BY day LIMIT 1
"""


def queue_waiting_page(queue: Queue, *, page: int, per_page: int = PAGE_SIZE) -> list[PublicRow]:
    """Waiting applications at places (page-1)*per_page+1 onwards, in queue order."""
    start = (page - 1) * per_page + 1
    alias = router.db_for_read(QueueDay)
    with connections[alias].cursor() as cursor:
        cursor.execute(PAGE_DAY_SQL, {"queue": queue.pk, "start": start})
        found = cursor.fetchone()
    if found is None:
        return []
    day, before = found
    day_start = datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
    skip = start - 1 - int(before)
    applications = (
        Application.objects.filter(
            queue=queue, status=Application.Status.WAITING, filed_at__gte=day_start
        )
        .order_by("filed_at", "number")
        .only("number", "filed_at", "full_name", "is_verified")[skip : skip + per_page]
    )
    return [
        PublicRow(
            position=start + index,
            number=application.number,
            filed_at=application.filed_at,
            masked_name=name_mask(application.full_name),
            is_verified=application.is_verified,
        )
        for index, application in enumerate(applications)
    ]


def _public_applications() -> QuerySet[Application]:
    return Application.objects.select_related(
        "queue__settlement", "queue__purpose", "removal_reason"
    ).only(
        "number",
        "filed_at",
        "status",
        "status_changed_at",
        "is_verified",
        "queue__slug",
        "queue__settlement_id",
        "queue__purpose_id",
        "queue__settlement__name_kk",
        "queue__settlement__name_ru",
        "queue__settlement__name_en",
        "queue__purpose__name_kk",
        "queue__purpose__name_ru",
        "queue__purpose__name_en",
        "queue__purpose__code",
        "removal_reason__code",
        "removal_reason__name_kk",
        "removal_reason__name_ru",
        "removal_reason__name_en",
    )


def application_public_get(number: str) -> Application | None:
    """An application by its number, with what the public page shows (no personal data)."""
    return _public_applications().filter(number=number.strip()).first()


def applications_of_person(iin: str) -> list[Application]:
    """Every application of the person with this (valid) IIN, in every queue."""
    return list(
        _public_applications()
        .filter(iin_digest__in=iin_digests(iin))  # any look-up key, until rotated
        .order_by("filed_at", "number")
    )


def _registry_selector() -> Callable[..., QuerySet[Parcel]] | None:
    """The parcel registry's own "being allocated" selector, once the parcels app has it."""
    try:
        module = import_module("parcels.selectors")
    except ImportError:
        return None
    return getattr(module, "parcels_being_allocated", None)


def parcels_being_allocated_for(queues: list[Queue]) -> list[Parcel]:
    """Parcels of these queues' settlements and purposes offered now or allocated lately."""
    selector = _registry_selector()
    if selector is not None:
        chosen: dict[int, Parcel] = {}
        for queue in queues:
            parcels = selector(settlement=queue.settlement, purpose_code=queue.purpose.code)
            for parcel in parcels.annotate(
                geojson=AsGeoJSON(Transform("geometry", 4326), precision=6)
            )[:MAP_PARCEL_LIMIT]:
                chosen.setdefault(parcel.pk, parcel)
        return list(chosen.values())[:MAP_PARCEL_LIMIT]
    # Until then: reserved for an offer, or allocated (last changed) lately.
    settlements = {queue.settlement_id for queue in queues}
    purposes = {queue.purpose_id for queue in queues}
    recent = timezone.now() - datetime.timedelta(days=RECENT_ALLOCATION_DAYS)
    fallback = Parcel.objects.filter(
        settlement_id__in=settlements,
        purpose_id__in=purposes,
        status__in=[Parcel.Status.RESERVED, Parcel.Status.ALLOCATED],
    ).exclude(status=Parcel.Status.ALLOCATED, updated_at__lt=recent)
    return list(
        fallback.annotate(geojson=AsGeoJSON(Transform("geometry", 4326), precision=6))
        .defer("geometry")
        .order_by("-status", "-updated_at", "cadastral_number")[:MAP_PARCEL_LIMIT]
    )
