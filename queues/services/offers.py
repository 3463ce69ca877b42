"""Offers of free parcels: to the head of the queue, accepted, closed, or expired.

Rules, and why:
- The head of the queue is the first *waiting* application in (filed_at, number) order,
  verified or not. Offering only to verified applications would let an officer move
  someone up the queue simply by not verifying the people ahead; so nobody is skipped,
  and the documents are checked before the allocation is recorded (offer_accept refuses
  an unverified application).
- While an offer is open the parcel is reserved and the application is "offered" (it no
  longer counts as waiting, so the people behind it move up).
- An applicant who refuses an offer (refusals.py), or lets it expire, keeps their place:
  the application goes back to waiting with its original filing time (Rules No. 255 give
  no ground for removal on refusal; removal needs a reason from the list). The parcel
  passes straight on to the next waiting application *behind* the refuser, skipping anyone
  who already refused or let expire this same parcel; if nobody is left, the parcel is free
  again. Each step is its own ledger entry.
"""

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from parcels.models import Parcel
from parcels.services import parcel_status_set
from queues.errors import QueueRefusal
from queues.ledger import timestamp_text
from queues.models import Application, LedgerEntry, LotDraw, Offer, Queue
from queues.selectors.applications import application_head, application_next_after
from queues.services.removals import application_remove
from queues.services.transitions import (
    SYSTEM_ACTOR,
    actor_user,
    application_change,
    application_refusal_from,
    queue_lock,
)
from rgis.actors import Actor
from rgis.personal import iin_digests_of
from staff.services import audit_snapshot

logger = logging.getLogger(__name__)

EXPIRY_ACTOR = "queue_offers_expire"
# The removal reason seeded by migration 0002 for "received a plot".
PLOT_RECEIVED = "plot-received"


def parcel_lock_offerable(*, queue: Queue, parcel: Parcel) -> Parcel:
    """The parcel, locked, if it may be offered in this queue; a refusal saying why not."""
    locked = Parcel.objects.select_for_update().get(pk=parcel.pk)
    if locked.status != Parcel.Status.FREE:
        raise QueueRefusal(
            _("The parcel is not free (it is %(status)s).")
            % {"status": locked.get_status_display()}
        )
    if locked.settlement_id != queue.settlement_id:
        raise QueueRefusal(_("The parcel lies in another settlement than the queue's."))
    if locked.purpose_id != queue.purpose_id:
        raise QueueRefusal(_("The parcel's purpose differs from the queue's."))
    return locked


def offer_open(
    *,
    queue: Queue,
    parcel: Parcel,
    application: Application,
    actor: Actor,
    draw: LotDraw | None = None,
    passed_from: Application | None = None,
    now: datetime.datetime | None = None,
    system_name: str = SYSTEM_ACTOR,
) -> Offer:
    """Open an offer (the caller holds the locks and has checked the parcel)."""
    now = now or timezone.now()
    change = application_change(
        queue,
        application,
        actor=actor,
        action="queues.offer.open",
        allowed=[Application.Status.WAITING],
        refusal=lambda _locked: _("Only a waiting application can be offered a parcel."),
        system_name=system_name,
    )
    locked = change.application
    offer = Offer.objects.create(
        application=locked,
        parcel=parcel,
        draw=draw,
        offered_at=now,
        expires_at=now + datetime.timedelta(days=settings.RGIS_QUEUE_OFFER_DAYS),
        offered_by=actor_user(actor),
    )
    change.write(
        {
            "status": Application.Status.OFFERED,
            "status_changed_at": now,
            # An offer says more than "you are near the head": that mail is never sent after.
            "near_head_notified_at": locked.near_head_notified_at or now,
        }
    )
    if parcel.status != Parcel.Status.RESERVED:
        parcel_status_set(
            parcel=parcel, status=Parcel.Status.RESERVED, actor=actor, reason=system_name
        )
    details: dict[str, Any] = {
        "status_before": Application.Status.WAITING,
        "status_after": Application.Status.OFFERED,
        "parcel": parcel.cadastral_number,
        "expires_at": timestamp_text(offer.expires_at),
    }
    if draw is not None:
        details["draw"] = draw.pk
    if passed_from is not None:
        details["passed_from"] = passed_from.number
    change.record(
        LedgerEntry.Event.OFFERED,
        details,
        audit_extra={"offer": audit_snapshot(offer)},
        status_changed=True,
        queue_moved=True,
    )
    application.status = locked.status
    return offer


def offer_to_head(
    *,
    queue: Queue,
    parcel: Parcel,
    actor: Actor,
    application: Application | None = None,
) -> Offer:
    """Offer a free parcel to the head of the queue.

    `application` is the one the officer saw at the head on their page: if someone else is
    at the head by now, the offer is refused rather than made to a person nobody chose.
    """
    with transaction.atomic():
        queue = queue_lock(queue)
        locked_parcel = parcel_lock_offerable(queue=queue, parcel=parcel)
        head = application_head(queue)
        if head is None:
            raise QueueRefusal(_("Nobody is waiting in this queue."))
        if application is not None and application.pk != head.pk:
            raise QueueRefusal(
                _("This application is not at the head of the queue: %(number)s is.")
                % {"number": head.number}
            )
        return offer_open(queue=queue, parcel=locked_parcel, application=head, actor=actor)


def offer_lock_open(offer: Offer) -> Offer:
    """The offer, locked, if it is still open; a refusal otherwise."""
    locked = Offer.objects.select_for_update().select_related("parcel").get(pk=offer.pk)
    if locked.status != Offer.Status.OPEN:
        raise QueueRefusal(
            _("This offer is no longer open: it was %(status)s.")
            % {"status": locked.get_status_display()}
        )
    return locked


def offer_accept(*, offer: Offer, actor: Actor) -> Application:
    """The applicant accepts: the application and the parcel become allocated.

    The check below sees only committed plots; an acceptance for the same person running at
    the same time in another settlement's queue is stopped by the unique index
    (application_plot_once_per_purpose_unique), turned here into the same refusal.
    """
    try:
        return _offer_accept(offer=offer, actor=actor)
    except IntegrityError as error:
        refusal = application_refusal_from(error)
        if refusal is None:
            raise
        raise refusal from None


def _offer_accept(*, offer: Offer, actor: Actor) -> Application:
    with transaction.atomic():
        queue = queue_lock(offer.application.queue_id)
        locked_offer = offer_lock_open(offer)
        now = timezone.now()
        if locked_offer.expires_at <= now:
            raise QueueRefusal(
                _("This offer expired on %(date)s; the parcel passes to the next in line.")
                % {"date": formats.date_format(locked_offer.expires_at, "SHORT_DATETIME_FORMAT")}
            )
        parcel = Parcel.objects.select_for_update().get(pk=locked_offer.parcel_id)
        change = application_change(
            queue, locked_offer.application, actor=actor, action="queues.offer.accept"
        )
        application = change.application
        if not application.is_verified:
            raise QueueRefusal(
                _("Verify the applicant's documents before recording the allocation.")
            )
        received = _plot_received_before(application)
        if received is not None:
            raise QueueRefusal(
                _(
                    "This person has already received a plot for this purpose (application "
                    "%(number)s, %(queue)s): a plot is given once in a lifetime. Record the "
                    "refusal of this offer."
                )
                % {"number": received.number, "queue": received.queue.name}
            )
        change.write(
            {"status": Application.Status.ALLOCATED, "parcel": parcel, "status_changed_at": now}
        )
        locked_offer.status = Offer.Status.ACCEPTED
        locked_offer.decided_at = now
        locked_offer.save(update_fields=["status", "decided_at"])
        parcel_status_set(parcel=parcel, status=Parcel.Status.ALLOCATED, actor=actor)
        change.record(
            LedgerEntry.Event.ACCEPTED,
            {
                "status_before": Application.Status.OFFERED,
                "status_after": Application.Status.ALLOCATED,
                "parcel": parcel.cadastral_number,
            },
            audit_extra={"offer": audit_snapshot(locked_offer)},
            status_changed=True,
        )
        # After the commit, each in a transaction of its own: locking other queues while
        # this one is locked could deadlock with an acceptance there. Until then the
        # check above keeps a second plot from being accepted.
        transaction.on_commit(lambda: _other_applications_removed(application, actor))
    offer.status = locked_offer.status
    return application


def _plot_received_before(application: Application) -> Application | None:
    """The person's allocated application for the same purpose, in any queue, if any."""
    return (
        Application.objects.select_related("queue")
        .filter(
            iin_digest__in=iin_digests_of(application.iin_encrypted, application.iin_digest),
            purpose_id=application.purpose_id,
            status=Application.Status.ALLOCATED,
        )
        .exclude(pk=application.pk)
        .first()
    )


def _other_applications_removed(application: Application, actor: Actor) -> None:
    """A plot is given once in a lifetime per purpose (Land Code art. 9): the person's
    other waiting applications for it, in other settlements' queues, leave those queues
    with the reason "received a plot", each in its own queue's ledger."""
    others = (
        Application.objects.filter(
            iin_digest__in=iin_digests_of(application.iin_encrypted, application.iin_digest),
            purpose_id=application.purpose_id,
            status=Application.Status.WAITING,
        )
        .exclude(pk=application.pk)
        .order_by("queue_id")
    )
    for other in others:
        try:
            application_remove(
                application=other,
                reason=PLOT_RECEIVED,
                actor=actor,
                note=f"plot allocated under application {application.number}",
            )
        except QueueRefusal:
            # Offered meanwhile, or the reason switched off: the allocation stands, and
            # accepting a second plot stays refused; an officer removes it by hand.
            logger.warning(
                "Application %s was not removed after %s got a plot for the same purpose",
                other.number,
                application.number,
            )


def offer_close(
    *,
    offer: Offer,
    outcome: str,
    actor: Actor,
    now: datetime.datetime,
    system_name: str = SYSTEM_ACTOR,
    locked_offer: Offer | None = None,
) -> Offer | None:
    """Close an open offer as refused or expired and pass the parcel on (in the caller's
    transaction). Returns the offer made to the next in line, or None when the parcel is
    free again."""
    queue = queue_lock(offer.application.queue_id)
    if locked_offer is None:
        locked_offer = offer_lock_open(offer)
    parcel = Parcel.objects.select_for_update().get(pk=locked_offer.parcel_id)
    change = application_change(
        queue,
        locked_offer.application,
        actor=actor,
        action=f"queues.offer.{outcome}",
        system_name=system_name,
    )
    application = change.application
    locked_offer.status = outcome
    locked_offer.decided_at = now
    locked_offer.save(update_fields=["status", "decided_at", "refusal_confirmed_by"])
    # Back in line at the original place: the filing time is untouched.
    change.write({"status": Application.Status.WAITING, "status_changed_at": now})
    declined = Offer.objects.filter(
        parcel=parcel, status__in=[Offer.Status.REFUSED, Offer.Status.EXPIRED]
    ).values_list("application_id", flat=True)
    successor = application_next_after(application, excluding=declined)
    details: dict[str, Any] = {
        "status_before": Application.Status.OFFERED,
        "status_after": Application.Status.WAITING,
        "parcel": parcel.cadastral_number,
        "passed_to": successor.number if successor else None,
    }
    if outcome == Offer.Status.REFUSED:
        # Both officers (staff account numbers) and the applicant's signed refusal.
        details["refusal_document"] = locked_offer.refusal_document
        details["refusal_document_date"] = (
            locked_offer.refusal_document_date.isoformat()
            if locked_offer.refusal_document_date
            else None
        )
        details["requested_by"] = locked_offer.refusal_requested_by_id
        details["confirmed_by"] = locked_offer.refusal_confirmed_by_id
    change.record(
        LedgerEntry.Event.REFUSED if outcome == Offer.Status.REFUSED else LedgerEntry.Event.EXPIRED,
        details,
        audit_extra={"offer": audit_snapshot(locked_offer)},
        status_changed=True,
        queue_moved=True,
    )
    if successor is None:
        parcel_status_set(parcel=parcel, status=Parcel.Status.FREE, actor=actor, reason=system_name)
        return None
    return offer_open(
        queue=queue,
        parcel=parcel,
        application=successor,
        actor=actor,
        passed_from=application,
        now=now,
        system_name=system_name,
    )


def offers_expire(*, now: datetime.datetime) -> list[Offer]:
    """Close every open offer whose time ran out by `now`; returns the offers closed.

    Each offer is closed in its own transaction, so one failure does not hold back others.
    """
    closed = []
    due = Offer.objects.filter(status=Offer.Status.OPEN, expires_at__lte=now).order_by(
        "expires_at", "pk"
    )
    for offer in due.select_related("application"):
        try:
            with transaction.atomic():
                offer_close(
                    offer=offer,
                    outcome=Offer.Status.EXPIRED,
                    actor=None,
                    now=now,
                    system_name=EXPIRY_ACTOR,
                )
        except QueueRefusal:  # accepted or refused meanwhile: nothing to expire
            continue
        offer.status = Offer.Status.EXPIRED
        closed.append(offer)
    return closed


# Declared here, beside the service it runs, not in queues/tasks.py: the offer services
# enqueue that module's mail jobs, so a job that calls them sits above it.
@task(queue_name="default")
def offers_expire_task() -> int:
    """Close the offers whose time ran out and pass their parcels to the next in line."""
    return len(offers_expire(now=timezone.now()))
