"""A second officer's decision on filing dates earlier than the registration day: one
application registered back-dated, or an imported register as a whole."""

from typing import Any

from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from queues.errors import QueueRefusal
from queues.ledger import LedgerEvent, timestamp_text
from queues.models import Application, LedgerEntry, Queue
from queues.selectors.positions import application_position
from queues.services.ledger import ledger_append_many
from queues.services.transitions import actor_user, application_changing, queue_audit, queue_lock
from queues.tasks import queue_moved_announce
from rgis.actors import Actor
from rgis.personal import ledger_pseudonym, personal_decrypt_or_fail


def _second_officer(application: Application, actor: Actor) -> User:
    user = actor_user(actor)
    if user is None or user.pk == application.registered_by_id:
        raise QueueRefusal(
            _("A second officer must decide on the back-dating: not the one who registered it.")
        )
    return user


def application_backdate_decide(
    *, application: Application, actor: Actor, approve: bool
) -> Application:
    """A second officer approves a back-dated filing date (the application takes its place
    in line) or rejects it (it takes its place as filed on its registration day)."""
    with application_changing(
        application,
        actor=actor,
        action="queues.application.backdate_approve"
        if approve
        else "queues.application.backdate_reject",
        allowed=[Application.Status.PENDING],
        refusal=lambda _locked: _("This application is not awaiting a decision on its date."),
    ) as change:
        locked = change.application
        user = _second_officer(locked, actor)
        filed_before = locked.filed_at
        values: dict[str, Any] = {
            "status": Application.Status.WAITING,
            "status_changed_at": timezone.now(),
        }
        if approve:
            values["backdate_approved_by"] = user
            event = LedgerEntry.Event.BACKDATE_APPROVED
        else:
            values["filed_at"] = locked.created_at
            values["backdated"] = False
            event = LedgerEntry.Event.BACKDATE_REJECTED
        change.write(values)
        change.record(
            event,
            {
                "status_before": Application.Status.PENDING,
                "status_after": locked.status,
                "filed_at_before": timestamp_text(filed_before),
                "filed_at_after": timestamp_text(locked.filed_at),
                "position_after": application_position(locked),
                "registered_by": locked.registered_by_id,
                "decided_by": user.pk,
            },
            queue_moved=True,
        )
    return locked


def register_batch_decide(*, queue: Queue, batch: str, actor: Actor, approve: bool) -> int:
    """A second officer approves an imported register as a whole (its applications take
    their places in line) or rejects it (they are filed as of their registration).
    Returns how many applications the decision moved."""
    with transaction.atomic():
        queue = queue_lock(queue)
        pending = Application.objects.select_for_update().filter(
            queue=queue, status=Application.Status.PENDING, backdate_batch=batch
        )
        rows = list(pending.order_by("filed_at", "number"))
        if not batch or not rows:
            raise QueueRefusal(_("No imported register awaits a decision under this code."))
        user = _second_officer(rows[0], actor)
        now = timezone.now()
        if approve:
            pending.update(
                status=Application.Status.WAITING, status_changed_at=now, backdate_approved_by=user
            )
            event = LedgerEntry.Event.BACKDATE_APPROVED
        else:
            pending.update(
                status=Application.Status.WAITING,
                status_changed_at=now,
                filed_at=models.F("created_at"),
                backdated=False,
            )
            event = LedgerEntry.Event.BACKDATE_REJECTED
        ledger_append_many(
            queue=queue,
            events=[
                LedgerEvent(
                    event,
                    row.number,
                    # As registered: the ledger's own pseudonym, not the rotating look-up hash.
                    ledger_pseudonym(personal_decrypt_or_fail(row.iin_encrypted)),
                    {
                        "status_before": Application.Status.PENDING,
                        "status_after": Application.Status.WAITING,
                        "filed_at_before": timestamp_text(row.filed_at),
                        "filed_at_after": timestamp_text(
                            row.filed_at if approve else row.created_at
                        ),
                        "batch": batch,
                        "registered_by": row.registered_by_id,
                        "decided_by": user.pk,
                    },
                )
                for row in rows
            ],
            at=now,
        )
        queue_audit(
            actor=actor,
            action="queues.register.approve" if approve else "queues.register.reject",
            instance=queue,
            after={
                "batch": batch,
                "applications": len(rows),
                "filed_from": timestamp_text(rows[0].filed_at),
                "filed_to": timestamp_text(rows[-1].filed_at),
                "registered_by": rows[0].registered_by_id,
                "document": rows[0].backdate_document,
            },
        )
        queue_moved_announce(queue.pk)
    return len(rows)
