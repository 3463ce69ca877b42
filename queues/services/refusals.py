"""An applicant's refusal of an offer: recorded by one officer with the signed document,
then confirmed or turned down by a second one."""

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from queues.errors import QueueRefusal
from queues.models import Offer
from queues.services.offers import offer_close, offer_lock_open
from queues.services.transitions import actor_user, queue_audit, queue_lock
from rgis.actors import Actor
from staff.services import audit_snapshot


def _refusal_write(offer: Offer, *, actor: Actor, action: str, values: dict[str, Any]) -> None:
    """Set the recorded refusal's fields of a locked offer, and audit it."""
    before = audit_snapshot(offer)
    for name, value in values.items():
        setattr(offer, name, value)
    offer.save(update_fields=list(values))
    queue_audit(
        actor=actor, action=action, instance=offer, before=before, after=audit_snapshot(offer)
    )


def offer_refusal_request(
    *,
    offer: Offer,
    actor: Actor,
    document_number: str,
    document_date: datetime.date,
    reason: str,
) -> Offer:
    """Record the applicant's signed refusal (number, date, reason); the offer stays open
    until a second officer confirms it (offer_refusal_confirm)."""
    document_number = " ".join(document_number.split())
    reason = " ".join(reason.split())
    if not document_number or document_date is None:
        raise QueueRefusal(_("Give the number and date of the applicant's signed refusal."))
    if document_date > timezone.localdate():
        raise QueueRefusal(_("The refusal document cannot be dated in the future."))
    if not reason:
        raise QueueRefusal(_("Say why the applicant refuses the parcel."))
    user = actor_user(actor)
    if user is None:
        raise QueueRefusal(_("A refusal is recorded by a signed-in officer."))
    with transaction.atomic():
        queue_lock(offer.application.queue_id)
        locked = offer_lock_open(offer)
        if locked.refusal_requested_by_id is not None:
            raise QueueRefusal(_("A refusal of this offer is already waiting for confirmation."))
        _refusal_write(
            locked,
            actor=actor,
            action="queues.offer.refusal_request",
            values={
                "refusal_document": document_number[:100],
                "refusal_document_date": document_date,
                "refusal_reason": reason,
                "refusal_requested_by": user,
                "refusal_requested_at": timezone.now(),
            },
        )
    return locked


def _offer_lock_refusal_pending(offer: Offer, actor: Actor) -> tuple[Offer, User]:
    locked = offer_lock_open(offer)
    if locked.refusal_requested_by_id is None:
        raise QueueRefusal(_("No refusal of this offer is waiting for confirmation."))
    user = actor_user(actor)
    if user is None or user.pk == locked.refusal_requested_by_id:
        raise QueueRefusal(
            _("A second officer must confirm the refusal: not the one who recorded it.")
        )
    return locked, user


def offer_refusal_confirm(*, offer: Offer, actor: Actor) -> Offer | None:
    """A second officer confirms a recorded refusal: the applicant waits again in their
    place, the parcel goes to the next. Returns the next offer, or None (parcel free)."""
    with transaction.atomic():
        queue_lock(offer.application.queue_id)
        locked, user = _offer_lock_refusal_pending(offer, actor)
        locked.refusal_confirmed_by = user
        return offer_close(
            offer=offer,
            outcome=Offer.Status.REFUSED,
            actor=actor,
            now=timezone.now(),
            locked_offer=locked,
        )


def offer_refusal_reject(*, offer: Offer, actor: Actor) -> Offer:
    """A second officer turns a recorded refusal down: the offer stays open as it was."""
    with transaction.atomic():
        queue_lock(offer.application.queue_id)
        locked, _user = _offer_lock_refusal_pending(offer, actor)
        _refusal_write(
            locked,
            actor=actor,
            action="queues.offer.refusal_reject",
            values={
                "refusal_document": "",
                "refusal_document_date": None,
                "refusal_reason": "",
                "refusal_requested_by": None,
                "refusal_requested_at": None,
            },
        )
    return locked
