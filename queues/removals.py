"""Taking an application off the queue, for a reason from the configurable list."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from queues.errors import QueueRefusal
from queues.ledger import ledger_append
from queues.models import Application, LedgerEntry, RemovalReason
from queues.selectors.applications import ledger_applicant_of
from queues.services import Actor, application_lock, queue_audit, queue_lock
from queues.tasks import queue_moved_announce, status_change_announce
from staff.services import audit_snapshot


def removal_reason_get(reason: RemovalReason | str) -> RemovalReason:
    """An active removal reason by itself or by its code; a refusal otherwise."""
    code = reason.code if isinstance(reason, RemovalReason) else str(reason)
    found = RemovalReason.objects.filter(code=code, is_active=True).first()
    if found is None:
        raise QueueRefusal(_("Choose a reason for the removal from the list."))
    return found


def application_remove(
    *, application: Application, reason: RemovalReason | str, actor: Actor, note: str = ""
) -> Application:
    """Take a waiting application off the queue; the note goes to the audit log only."""
    removal_reason = removal_reason_get(reason)
    with transaction.atomic():
        queue = queue_lock(application.queue_id)
        locked = application_lock(application)
        if locked.status == Application.Status.OFFERED:
            raise QueueRefusal(
                _("This application has an open offer: record its refusal first, then remove it.")
            )
        if locked.status != Application.Status.WAITING:
            raise QueueRefusal(
                _("Only a waiting application can be removed; this one is %(status)s.")
                % {"status": locked.get_status_display()}
            )
        before = audit_snapshot(locked)
        locked.status = Application.Status.REMOVED
        locked.removal_reason = removal_reason
        locked.status_changed_at = timezone.now()
        locked.save(update_fields=["status", "removal_reason", "status_changed_at"])
        ledger_append(
            queue=queue,
            event=LedgerEntry.Event.REMOVED,
            application_number=locked.number,
            applicant_key=ledger_applicant_of(locked),
            details={
                "status_before": Application.Status.WAITING,
                "status_after": Application.Status.REMOVED,
                "reason": removal_reason.code,
            },
        )
        # The note may name documents or people: the audit log is staff-only.
        queue_audit(
            actor=actor,
            action="queues.application.remove",
            instance=locked,
            before=before,
            after={**audit_snapshot(locked), "note": " ".join(note.split())},
        )
        status_change_announce(locked)
        queue_moved_announce(queue.pk)
    application.status = locked.status
    return locked
