"""Reads of the staff side: which appeals a staff member may see or act on, the board.

Scope is checked when the appeal is loaded: every staff page and action goes through
`appeal_get_for_staff`, which answers 404 for an appeal outside the member's reach (the
same answer as for a number that does not exist, so numbers cannot be probed).

- Appeals operators act on the appeals of their departments (Department.operators) only.
- Administrators (and superusers) act on every department's appeals.
- Moderators read and moderate every appeal but process none (no handle_appeals).
"""

import datetime
import enum
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from appeals.models import Appeal, AppealPhoto, Department
from staff.roles import capability

HANDLE_APPEALS = capability("handle_appeals")
MODERATE_CONTENT = capability("moderate_content")
# Administrators keep the departments' operators, and act for every department.
ALL_DEPARTMENTS = capability("manage_staff")

StaffUser = User | AnonymousUser


class StaffAccess(enum.Enum):
    """What a staff member wants to do with an appeal."""

    READ = "read"  # its staff page and its photos, hidden ones included
    PROCESS = "process"  # take, reassign, forward, extend, answer, reject, close; the identity
    MODERATE = "moderate"  # hide or show its text and photos


def appeals_for_staff(*, user: StaffUser, access: StaffAccess) -> QuerySet[Appeal]:
    """The appeals `user` may reach for `access` (none for anyone else)."""
    appeals = Appeal.objects.all()
    if not user.is_authenticated or not user.is_active:
        return appeals.none()
    moderates = user.has_perm(MODERATE_CONTENT)
    if access is StaffAccess.MODERATE:
        return appeals if moderates else appeals.none()
    if access is StaffAccess.READ and moderates:
        return appeals
    if not user.has_perm(HANDLE_APPEALS):
        return appeals.none()
    if user.has_perm(ALL_DEPARTMENTS):
        return appeals
    return appeals.filter(department__operators=user)


def departments_for_staff(*, user: StaffUser) -> QuerySet[Department] | None:
    """The departments whose appeals `user` works on; None when he reaches every one."""
    if user.has_perm(ALL_DEPARTMENTS) or user.has_perm(MODERATE_CONTENT):
        return None
    if not user.is_authenticated:
        return Department.objects.none()
    return Department.objects.filter(operators=user)


def appeal_get_for_staff(*, user: StaffUser, number: str, access: StaffAccess) -> Appeal:
    """One appeal with everything its staff page shows; 404 if none within `user`'s reach."""
    return get_object_or_404(
        appeals_for_staff(user=user, access=access)
        .select_related("category", "department", "accepted_by", "partner")
        .prefetch_related("photos", "events__actor"),
        number=number,
    )


def appeal_may_process(*, user: StaffUser, appeal: Appeal) -> bool:
    """Whether `user` may act on (and see the applicant of) an appeal already loaded."""
    return appeals_for_staff(user=user, access=StaffAccess.PROCESS).filter(pk=appeal.pk).exists()


def appeal_receipt_get_for_staff(*, user: StaffUser, number: str) -> Appeal:
    """An appeal's receipt: for its department's operators and for whoever accepted it (the
    front office files for every department); 404 otherwise."""
    if not user.is_authenticated:
        return get_object_or_404(Appeal.objects.none(), number=number)
    mine = appeals_for_staff(user=user, access=StaffAccess.PROCESS)
    return get_object_or_404(
        Appeal.objects.filter(
            Q(pk__in=mine.values("pk")) | Q(accepted_by_id=user.pk)
        ).select_related("category", "department", "accepted_by"),
        number=number,
    )


def appeal_photo_get_for_staff(*, user: StaffUser, number: str, photo_id: int) -> AppealPhoto:
    """A photo of an appeal `user` may read, hidden or not; 404 otherwise."""
    appeals = appeals_for_staff(user=user, access=StaffAccess.READ)
    return get_object_or_404(
        AppealPhoto.objects.filter(appeal__in=appeals.values("pk")).only("image", "appeal_id"),
        pk=photo_id,
        appeal__number=number,
    )


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
    filters: BoardFilters, *, user: StaffUser, today: datetime.date | None = None
) -> QuerySet[Appeal]:
    """Appeals `user` may read, for the board: `due` (extended or not) and `is_overdue`
    annotated, overdue first, then by due date."""
    today = today or timezone.localdate()
    appeals = (
        appeals_for_staff(user=user, access=StaffAccess.READ)
        .select_related("category", "department", "accepted_by")
        .annotate(due_on=Coalesce("extended_until", "deadline"))
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


def appeal_is_overdue(appeal: Appeal, *, today: datetime.date | None = None) -> bool:
    """Open and past its due date (the extension's, if any)."""
    today = today or timezone.localdate()
    return appeal.status in Appeal.OPEN_STATUSES and appeal.due < today
