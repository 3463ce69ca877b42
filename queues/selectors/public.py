"""Reads behind the residents' pages: a page of a queue, the applications of one number or
one person, where each stands and may wait, and the parcels being handed out now.

Nothing here returns personal data to a template: rows carry the masked name only.
"""

import datetime
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.db import connections, router
from django.db.models import QuerySet

from parcels.models import Parcel
from parcels.selectors import parcels_being_allocated
from queues.models import Application, Queue, QueueDay
from queues.selectors.history import (
    AllocationPace,
    PositionChange,
    WaitEstimate,
    application_position_change,
    queue_allocation_pace,
    wait_estimate,
)
from queues.selectors.positions import applications_ahead
from rgis.personal import iin_digests, name_mask

PAGE_SIZE = 100
MAP_PARCEL_LIMIT = 300


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


@dataclass(frozen=True)
class Outlook:
    """Where one application stands, how its place moved and how long it may still wait."""

    position: int | None  # None when it is not waiting
    ahead: int | None
    change: PositionChange | None
    pace: AllocationPace | None
    wait: WaitEstimate | None


def application_outlook(
    application: Application, *, since: datetime.datetime, paces: dict[int, AllocationPace]
) -> Outlook:
    """Position, its change since a moment and the estimated wait of one application.

    `paces` keeps each queue's pace between the applications of one look-up.
    """
    if application.status != Application.Status.WAITING:
        return Outlook(position=None, ahead=None, change=None, pace=None, wait=None)
    ahead = applications_ahead(application)
    position = ahead + 1
    change = application_position_change(application, since=since, position_now=position)
    if application.queue_id not in paces:
        paces[application.queue_id] = queue_allocation_pace(application.queue_id)
    pace = paces[application.queue_id]
    return Outlook(
        position=position,
        ahead=ahead,
        change=change,
        pace=pace,
        wait=wait_estimate(pace, position),
    )


def parcels_being_allocated_for(queues: list[Queue]) -> list[Parcel]:
    """Parcels of these queues' settlements and purposes offered now or allocated lately,
    each with its boundary as `geojson` (WGS 84) for the map."""
    chosen: dict[int, Parcel] = {}
    for queue in queues:
        parcels = parcels_being_allocated(
            settlement=queue.settlement, purpose_code=queue.purpose.code
        )
        for parcel in parcels.annotate(geojson=AsGeoJSON(Transform("geometry", 4326), precision=6))[
            :MAP_PARCEL_LIMIT
        ]:
            chosen.setdefault(parcel.pk, parcel)
    return list(chosen.values())[:MAP_PARCEL_LIMIT]
