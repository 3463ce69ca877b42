"""Reads of the staff board: appeals with their due date, the overdue ones first."""

import datetime
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import PointOnSurface, Transform
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from appeals.models import Appeal

# The board's status filter: "" shows the appeals still waiting for an answer.
STATUS_OPEN = ""
STATUS_ALL = "all"


@dataclass(frozen=True)
class BoardFilters:
    status: str = STATUS_OPEN
    category: int | None = None
    department: int | None = None
    channel: str = ""
    overdue: bool = False
    number: str = ""


def appeal_board_list(
    filters: BoardFilters, *, today: datetime.date | None = None
) -> QuerySet[Appeal]:
    """Appeals for the board: `due` (extended or not) and `is_overdue` annotated, overdue
    first, then by due date."""
    today = today or timezone.localdate()
    appeals = Appeal.objects.select_related("category", "department", "accepted_by").annotate(
        due_on=Coalesce("extended_until", "deadline"),
    )
    appeals = appeals.annotate(
        is_overdue=Case(
            When(Q(status__in=Appeal.OPEN_STATUSES, due_on__lt=today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    number = filters.number.strip()
    if number:
        # A number looked up finds the appeal whatever its status.
        return appeals.filter(number__icontains=number).order_by("-received_at")
    if filters.status == STATUS_OPEN:
        appeals = appeals.filter(status__in=Appeal.OPEN_STATUSES)
    elif filters.status != STATUS_ALL:
        appeals = appeals.filter(status=filters.status)
    if filters.category is not None:
        appeals = appeals.filter(category_id=filters.category)
    if filters.department is not None:
        appeals = appeals.filter(department_id=filters.department)
    if filters.channel:
        appeals = appeals.filter(channel=filters.channel)
    if filters.overdue:
        appeals = appeals.filter(is_overdue=True)
    return appeals.order_by("-is_overdue", "due_on", "received_at")


def appeal_staff_get(number: str) -> Appeal:
    """One appeal with everything the staff page shows (404 if there is none)."""
    return get_object_or_404(
        Appeal.objects.select_related(
            "category", "department", "accepted_by", "partner"
        ).prefetch_related("photos", "events__actor"),
        number=number,
    )


def appeal_is_overdue(appeal: Appeal, *, today: datetime.date | None = None) -> bool:
    """Open and past its due date (the extension's, if any)."""
    today = today or timezone.localdate()
    return appeal.status in Appeal.OPEN_STATUSES and appeal.due < today


def address_point(address: str) -> tuple[float, float] | None:
    """(lat, lon) on the first parcel whose address holds the text; None if none does.

    The portal has no street geocoder: the parcel registry's addresses stand in for one.
    """
    from parcels.models import Parcel

    text = " ".join(address.split())[:200]
    if len(text) < 3:
        return None
    point = (
        Parcel.objects.filter(Q(address_kk__icontains=text) | Q(address_ru__icontains=text))
        .annotate(inside=Transform(PointOnSurface("geometry"), 4326))
        .order_by("cadastral_number")
        .values_list("inside", flat=True)
        .first()
    )
    return None if point is None else (point.y, point.x)
