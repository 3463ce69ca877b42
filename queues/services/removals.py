"""Taking an application off the queue, for a reason from the configurable list."""

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from queues.errors import QueueRefusal
from queues.models import Application, LedgerEntry, RemovalReason
from queues.services.transitions import application_changing
from rgis.actors import Actor


def removal_reason_get(reason: RemovalReason | str) -> RemovalReason:
    """An active removal reason by itself or by its code; a refusal otherwise."""
    code = reason.code if isinstance(reason, RemovalReason) else str(reason)
    found = RemovalReason.objects.filter(code=code, is_active=True).first()
    if found is None:
        raise QueueRefusal(_("Choose a reason for the removal from the list."))
    return found


def _not_removable(application: Application) -> str | Promise:
    if application.status == Application.Status.OFFERED:
        return _("This application has an open offer: record its refusal first, then remove it.")
    return _("Only a waiting application can be removed; this one is %(status)s.") % {
        "status": application.get_status_display()
    }


def application_remove(
    *, application: Application, reason: RemovalReason | str, actor: Actor, note: str = ""
) -> Application:
    """Take a waiting application off the queue; the note goes to the audit log only."""
    removal_reason = removal_reason_get(reason)
    with application_changing(
        application,
        actor=actor,
        action="queues.application.remove",
        allowed=[Application.Status.WAITING],
        refusal=_not_removable,
    ) as change:
        change.write(
            {
                "status": Application.Status.REMOVED,
                "removal_reason": removal_reason,
                "status_changed_at": timezone.now(),
            }
        )
        change.record(
            LedgerEntry.Event.REMOVED,
            {
                "status_before": Application.Status.WAITING,
                "status_after": Application.Status.REMOVED,
                "reason": removal_reason.code,
            },
            # The note may name documents or people: the audit log is staff-only.
            audit_extra={"note": " ".join(note.split())},
            status_changed=True,
            queue_moved=True,
        )
    application.status = change.application.status
    return change.application
