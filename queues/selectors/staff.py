"""What a staff member may see: the queues of their settlements, and the officers' lists.

Staff bound to settlements: every staff page loads its queue, application or offer through
these, so an officer of one settlement gets 404 for another settlement's records (the same
answer as for a record that does not exist: nothing tells what lies outside one's office).
The management commands and the expiry job are the operator's door and stay unscoped.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from parcels.models import Parcel
from queues.models import Application, Offer, Queue, SettlementOfficer
from rgis.personal import personal_decrypt
from staff.roles import capability

StaffUser = AbstractBaseUser | AnonymousUser


def staff_sees_every_queue(user: StaffUser) -> bool:
    """Superusers and administrators (who manage staff) see every settlement's queues."""
    # is_superuser and has_perm come with PermissionsMixin, which AbstractBaseUser lacks.
    return bool(user.is_superuser or user.has_perm(capability("manage_staff")))  # type: ignore[union-attr]


def queues_for_staff(user: StaffUser) -> QuerySet[Queue]:
    """The queues a staff member may see and act on: those of their settlements."""
    queues = Queue.objects.all()
    if staff_sees_every_queue(user):
        return queues
    if user.pk is None:
        return queues.none()
    return queues.filter(
        settlement_id__in=SettlementOfficer.objects.filter(user_id=user.pk).values("settlement_id")
    )


def queue_get_for_staff(*, user: StaffUser, slug: str) -> Queue:
    """A queue of the staff member's settlements by its code; 404 otherwise."""
    return get_object_or_404(
        queues_for_staff(user).select_related("settlement", "purpose"), slug=slug
    )


def application_get_for_staff(*, user: StaffUser, pk: int) -> Application:
    """An application in one of the staff member's settlements' queues; 404 otherwise."""
    return get_object_or_404(
        Application.objects.filter(queue__in=queues_for_staff(user)).select_related(
            "queue__settlement", "queue__purpose", "removal_reason", "parcel"
        ),
        pk=pk,
    )


def offer_get_for_staff(*, user: StaffUser, pk: int) -> Offer:
    """An offer in one of the staff member's settlements' queues; 404 otherwise."""
    return get_object_or_404(
        Offer.objects.filter(application__queue__in=queues_for_staff(user)).select_related(
            "application"
        ),
        pk=pk,
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


def parcels_offerable(queue: Queue) -> QuerySet[Parcel]:
    """Free parcels of the queue's settlement and target purpose."""
    return Parcel.objects.filter(
        status=Parcel.Status.FREE, settlement_id=queue.settlement_id, purpose_id=queue.purpose_id
    ).order_by("cadastral_number")


def iin_masked(application: Application) -> str:
    """The IIN as staff lists show it by default: its last four digits only."""
    return "•" * 8 + personal_decrypt(application.iin_encrypted)[-4:]


def staff_user_get(username: str) -> User | None:
    """The account a command names with --user; None when there is none."""
    return User.objects.filter(username=username).first()
