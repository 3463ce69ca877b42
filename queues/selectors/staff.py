"""What a staff member may see: the queues of their settlements, and the officers' lists.

Staff bound to settlements: every staff page loads its queue, application or offer through
these, so an officer of one settlement gets 404 for another settlement's records (the same
answer as for a record that does not exist: nothing tells what lies outside one's office).
The management commands and the expiry job are the operator's door and stay unscoped.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from parcels.models import Parcel
from queues.models import Application, Offer, Queue, SettlementOfficer
from rgis.personal import personal_decrypt
from staff.models import AuditEntry
from staff.roles import capability

# What the officers' pages ask of a staff member: every page needs the first, offers and
# lot draws the second too.
MANAGE_QUEUES = capability("manage_queues")
ALLOCATE_PLOTS = capability("allocate_plots")


def staff_sees_every_queue(user: User | AnonymousUser) -> bool:
    """Superusers and administrators (who manage staff) see every settlement's queues."""
    return bool(user.is_superuser or user.has_perm(capability("manage_staff")))


def queues_for_staff(user: User | AnonymousUser) -> QuerySet[Queue]:
    """The queues a staff member may see and act on: those of their settlements."""
    queues = Queue.objects.all()
    if staff_sees_every_queue(user):
        return queues
    if user.pk is None:
        return queues.none()
    return queues.filter(
        settlement_id__in=SettlementOfficer.objects.filter(user_id=user.pk).values("settlement_id")
    )


def queue_get_for_staff(*, user: User | AnonymousUser, slug: str) -> Queue:
    """A queue of the staff member's settlements by its code; 404 otherwise."""
    return get_object_or_404(
        queues_for_staff(user).select_related("settlement", "purpose"), slug=slug
    )


def application_get_for_staff(*, user: User | AnonymousUser, pk: int) -> Application:
    """An application in one of the staff member's settlements' queues; 404 otherwise."""
    return get_object_or_404(
        Application.objects.filter(queue__in=queues_for_staff(user)).select_related(
            "queue__settlement", "queue__purpose", "removal_reason", "parcel"
        ),
        pk=pk,
    )


def offer_get_for_staff(*, user: User | AnonymousUser, pk: int) -> Offer:
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


def applications_with_masked_iin(applications: list[Application]) -> list[Application]:
    """The applications, each with `iin` masked (the full IIN is shown only on request, and
    that request is audited: services.applications.application_iin_read)."""
    for application in applications:
        # An attribute for the page only: no model field holds the masked IIN.
        application.iin = iin_masked(application)  # type: ignore[attr-defined]  # see above
    return applications


def offers_open(queue: Queue) -> list[Offer]:
    """A queue's open offers, the soonest to expire first."""
    return list(
        Offer.objects.filter(application__queue=queue, status=Offer.Status.OPEN)
        .select_related("application", "parcel")
        .order_by("expires_at")
    )


def application_open_offer(application: Application) -> Offer | None:
    """The application's open offer, with its parcel and any refusal awaiting a decision."""
    return (
        application.offers.filter(status=Offer.Status.OPEN)
        .select_related("parcel", "refusal_requested_by")
        .first()
    )


def application_offers(application: Application) -> QuerySet[Offer]:
    """Every offer made to the application, oldest first."""
    return application.offers.select_related("parcel").order_by("offered_at")


def application_audit(application: Application) -> QuerySet[AuditEntry]:
    """The staff actions on the application, from the audit log, oldest first."""
    return AuditEntry.objects.filter(
        object_type="queues.application", object_id=str(application.pk)
    ).order_by("at", "id")


def application_in_queue(queue: Queue, pk: int) -> Application | None:
    """The application with this id if it is in this queue."""
    return Application.objects.filter(pk=pk, queue=queue).first()


def application_by_number(number: str) -> Application:
    """The application with this number (it exists: a lot draw just named it)."""
    return Application.objects.get(number=number)


def staff_user_get(username: str) -> User | None:
    """The account a command names with --user; None when there is none."""
    return User.objects.filter(username=username).first()
