"""Reads of the queues that carry rules: positions in line, the head, the next in line."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connections, router
from django.db.models import Count, Max, Min, Q, QuerySet
from django.shortcuts import get_object_or_404

from parcels.models import Parcel
from queues.models import Application, LedgerEntry, Offer, Queue, SettlementOfficer
from rgis.personal import InvalidIIN, iin_digests, iin_validate
from staff.roles import capability

# The waiting applications filed on earlier days (QueueDay, kept by a trigger), plus those
# of the same day ahead in (filed_at, number) order: a few thousand day rows and one day's
# index entries, whatever the queue's length. The plain `filed_at <= ` bound is implied by
# the row comparison, but without it the planner cannot see how few rows that day holds.
POSITION_SQL = """
SELECT coalesce((SELECT sum(waiting) FROM queues_queueday
                 WHERE queue_id = %(queue)s AND day < %(day)s), 0)
     + (SELECT count(*) FROM queues_application
        WHERE queue_id = %(queue)s AND status = 'waiting'
          AND filed_at >= %(day_start)s AND filed_at <= %(filed_at)s
          AND (filed_at, number) < (%(filed_at)s, %(number)s))
"""


def applications_ahead(application: Application) -> int:
    """How many waiting applications are ahead of this one in its queue."""
    filed = application.filed_at.astimezone(datetime.UTC)
    day_start = filed.replace(hour=0, minute=0, second=0, microsecond=0)
    alias = router.db_for_read(Application)
    with connections[alias].cursor() as cursor:
        cursor.execute(
            POSITION_SQL,
            {
                "queue": application.queue_id,
                "day": day_start.date(),
                "day_start": day_start,
                "filed_at": application.filed_at,
                "number": application.number,
            },
        )
        return int(cursor.fetchone()[0])


def application_position(application: Application) -> int | None:
    """Place in line (ahead + 1) of a waiting application; None when it is not waiting."""
    if application.status != Application.Status.WAITING:
        return None
    return applications_ahead(application) + 1


# The same count as POSITION_SQL for many applications at once (a page of the staff list):
# one statement whatever the page size.
POSITIONS_SQL = """
SELECT t.id,
       coalesce((SELECT sum(waiting) FROM queues_queueday
                 WHERE queue_id = %(queue)s
                   AND day < (t.filed_at AT TIME ZONE 'UTC')::date), 0)
     + (SELECT count(*) FROM queues_application a
        WHERE a.queue_id = %(queue)s AND a.status = 'waiting'
          AND a.filed_at >= date_trunc('day', t.filed_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
          AND (a.filed_at, a.number) < (t.filed_at, t.number)) + 1
FROM unnest(%(ids)s::bigint[], %(filed)s::timestamptz[], %(numbers)s::text[])
     AS t(id, filed_at, number)
"""


def application_positions(queue_id: int, applications: list[Application]) -> dict[int, int]:
    """Places in line of the waiting applications among `applications` (one query)."""
    waiting = [a for a in applications if a.status == Application.Status.WAITING]
    if not waiting:
        return {}
    alias = router.db_for_read(Application)
    with connections[alias].cursor() as cursor:
        cursor.execute(
            POSITIONS_SQL,
            {
                "queue": queue_id,
                "ids": [a.pk for a in waiting],
                "filed": [a.filed_at for a in waiting],
                "numbers": [a.number for a in waiting],
            },
        )
        return {int(pk): int(position) for pk, position in cursor.fetchall()}


def applications_waiting(queue: Queue | int) -> QuerySet[Application]:
    """The waiting applications of a queue in queue order (filed_at, then number)."""
    queue_id = queue if isinstance(queue, int) else queue.pk
    return Application.objects.filter(
        queue_id=queue_id, status=Application.Status.WAITING
    ).order_by("filed_at", "number")


def application_head(queue: Queue) -> Application | None:
    """The head of the queue: the first waiting application in queue order."""
    return applications_waiting(queue).first()


def application_next_after(
    application: Application, *, excluding: Iterable[int] = ()
) -> Application | None:
    """The first waiting application behind `application` in its queue's order."""
    return (
        applications_waiting(application.queue_id)
        .filter(
            Q(filed_at__gt=application.filed_at)
            | Q(filed_at=application.filed_at, number__gt=application.number)
        )
        .exclude(pk__in=list(excluding))
        .first()
    )


def applications_next(queue: Queue | int, count: int) -> list[Application]:
    """The first `count` waiting applications of a queue, in queue order."""
    return list(applications_waiting(queue)[:count])


def parcels_offerable(queue: Queue) -> QuerySet[Parcel]:
    """Free parcels of the queue's settlement and target purpose."""
    return Parcel.objects.filter(
        status=Parcel.Status.FREE, settlement_id=queue.settlement_id, purpose_id=queue.purpose_id
    ).order_by("cadastral_number")


def application_search(queue: Queue, *, status: str = "", text: str = "") -> QuerySet[Application]:
    """A queue's applications for the officers' list: by status, number, name or IIN."""
    applications = Application.objects.filter(queue=queue).order_by("filed_at", "number")
    if status:
        applications = applications.filter(status=status)
    text = " ".join(text.split())
    if text:
        try:
            iin = iin_validate(text)
        except InvalidIIN:
            applications = applications.filter(
                Q(number__icontains=text) | Q(full_name__icontains=text)
            )
        else:
            applications = applications.filter(iin_digest__in=iin_digests(iin))
    return applications


def application_history(application: Application) -> list[LedgerEntry]:
    """The ledger entries of one application, oldest first."""
    return list(
        LedgerEntry.objects.filter(
            queue_id=application.queue_id, application_number=application.number
        ).order_by("sequence")
    )


def queue_list_with_counts(queues: QuerySet[Queue] | None = None) -> QuerySet[Queue]:
    """The queues (every one by default) with their counts in each status (one query)."""
    statuses = Application.Status
    return (
        (Queue.objects.all() if queues is None else queues)
        .select_related("settlement", "purpose")
        .annotate(
            waiting=Count("applications", filter=Q(applications__status=statuses.WAITING)),
            offered=Count("applications", filter=Q(applications__status=statuses.OFFERED)),
            allocated=Count("applications", filter=Q(applications__status=statuses.ALLOCATED)),
            removed=Count("applications", filter=Q(applications__status=statuses.REMOVED)),
        )
        .order_by("slug")
    )


# Staff bound to settlements: every staff page loads its queue, application or offer through
# these, so an officer of one settlement gets 404 for another settlement's records (the same
# answer as for a record that does not exist: nothing tells what lies outside one's office).
# The management commands and the expiry job are the operator's door and stay unscoped.


def staff_sees_every_queue(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Superusers and administrators (who manage staff) see every settlement's queues."""
    return bool(user.is_superuser or user.has_perm(capability("manage_staff")))  # type: ignore[union-attr]


def queues_for_staff(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Queue]:
    """The queues a staff member may see and act on: those of their settlements."""
    queues = Queue.objects.all()
    if staff_sees_every_queue(user):
        return queues
    if user.pk is None:
        return queues.none()
    return queues.filter(
        settlement_id__in=SettlementOfficer.objects.filter(user_id=user.pk).values("settlement_id")
    )


def queue_get_for_staff(*, user: AbstractBaseUser | AnonymousUser, slug: str) -> Queue:
    """A queue of the staff member's settlements by its code; 404 otherwise."""
    return get_object_or_404(
        queues_for_staff(user).select_related("settlement", "purpose"), slug=slug
    )


def application_get_for_staff(*, user: AbstractBaseUser | AnonymousUser, pk: int) -> Application:
    """An application in one of the staff member's settlements' queues; 404 otherwise."""
    return get_object_or_404(
        Application.objects.filter(queue__in=queues_for_staff(user)).select_related(
            "queue__settlement", "queue__purpose", "removal_reason", "parcel"
        ),
        pk=pk,
    )


def offer_get_for_staff(*, user: AbstractBaseUser | AnonymousUser, pk: int) -> Offer:
    """An offer in one of the staff member's settlements' queues; 404 otherwise."""
    return get_object_or_404(
        Offer.objects.filter(application__queue__in=queues_for_staff(user)).select_related(
            "application"
        ),
        pk=pk,
    )


def register_batches_pending(queue: Queue) -> list[dict[str, object]]:
    """The imported registers of a queue awaiting a second officer: each with its count,
    filing-date range, document and registrar."""
    return list(
        Application.objects.filter(queue=queue, status=Application.Status.PENDING)
        .exclude(backdate_batch="")
        .values(
            "backdate_batch",
            "backdate_document",
            "backdate_document_date",
            "backdate_reason",
            "registered_by_id",
            "registered_by__username",
        )
        .annotate(count=Count("id"), filed_from=Min("filed_at"), filed_to=Max("filed_at"))
        .order_by("backdate_batch")
    )


def applications_pending(queue: Queue) -> QuerySet[Application]:
    """A queue's back-dated applications registered one by one, awaiting a second officer."""
    return Application.objects.filter(
        queue=queue, status=Application.Status.PENDING, backdate_batch=""
    ).order_by("filed_at", "number")
