"""What every change of the queues does around its own rule.

Lock in the one order (queues/services/__init__.py), check the status the application
comes from, write, append the ledger event, record the audit entry, and announce on commit:
application_change() does the first two and returns an ApplicationChange, whose write()
and record() do the rest; application_changing() opens the transaction and locks the queue
first, for a change that locks nothing else. The services differ only in their rule.
"""

from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from queues.errors import QueueRefusal
from queues.models import Application, Queue
from queues.selectors.applications import ledger_applicant_of
from queues.services.ledger import ledger_append
from queues.tasks import queue_moved_announce, status_change_announce
from rgis.actors import Actor
from staff.services import audit_record, audit_snapshot

# Who the audit log names when no one signed in acted (the expiry job, a command).
SYSTEM_ACTOR = "system"


def queue_lock(queue: Queue | int) -> Queue:
    """The queue row, locked until the transaction ends: one queue action at a time."""
    queue_id = queue if isinstance(queue, int) else queue.pk
    # Only the queue's own row: locking the joined purpose row too would make every queue of
    # that purpose, in every settlement, wait for each other. Two settlements' queues run in
    # parallel; "one plot per purpose" across them is the unique index's job.
    return (
        Queue.objects.select_for_update(of=("self",))
        .select_related("settlement", "purpose")
        .get(pk=queue_id)
    )


def application_lock(application: Application) -> Application:
    """The application row, locked and re-read (another officer may just have acted)."""
    return Application.objects.select_for_update().get(pk=application.pk)


def actor_user(actor: Actor) -> User | None:
    """The signed-in user behind an action, or None for the system."""
    if isinstance(actor, User) and actor.is_authenticated:
        return actor
    return None


def queue_audit(
    *,
    actor: Actor,
    action: str,
    instance: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    system_name: str = SYSTEM_ACTOR,
) -> None:
    """An audit entry for a queue action, naming the system where no one signed in acted."""
    user = actor_user(actor)
    audit_record(
        actor=user,
        action=action,
        instance=instance,
        before=before,
        after=after,
        actor_username="" if user is not None else system_name,
    )


def application_refusal_from(error: IntegrityError) -> QueueRefusal | None:
    """The rule a failed insert or update broke, as a refusal (None: not a queue rule)."""
    text = str(error)
    if "application_one_live_per_person_per_queue" in text:
        return QueueRefusal(_("This person already has a live application in this queue."))
    if "application_plot_once_per_purpose" in text:
        return QueueRefusal(
            _("This person has already received a plot for this purpose (once in a lifetime).")
        )
    if "queues_application_number_key" in text:
        return QueueRefusal(_("An application with this number already exists."))
    return None


@dataclass
class ApplicationChange:
    """One change of a locked application: written, then in the ledger, the audit log and
    the announcements (made by application_change)."""

    queue: Queue
    application: Application
    actor: Actor
    action: str  # the audit log's name for it, e.g. "queues.application.remove"
    system_name: str = SYSTEM_ACTOR
    before: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.before = audit_snapshot(self.application)

    def write(self, values: Mapping[str, Any], *, validate: bool = False) -> None:
        """Set these fields of the application and save only them (validated if asked)."""
        for name, value in values.items():
            setattr(self.application, name, value)
        if validate:
            self.application.full_clean(validate_constraints=False, validate_unique=False)
        self.application.save(update_fields=list(values))

    def record(
        self,
        event: str,
        details: dict[str, Any],
        *,
        applicant_key: str | None = None,
        audit_extra: dict[str, Any] | None = None,
        status_changed: bool = False,
        queue_moved: bool = False,
    ) -> None:
        """Append the ledger event and the audit entry; on commit, e-mail the applicant the
        new status (`status_changed`) and look for applicants who came near the head
        (`queue_moved`)."""
        ledger_append(
            queue=self.queue,
            event=event,
            application_number=self.application.number,
            applicant_key=(
                applicant_key
                if applicant_key is not None
                else ledger_applicant_of(self.application)
            ),
            details=details,
        )
        queue_audit(
            actor=self.actor,
            action=self.action,
            instance=self.application,
            before=self.before,
            after={**audit_snapshot(self.application), **(audit_extra or {})},
            system_name=self.system_name,
        )
        if status_changed:
            status_change_announce(self.application)
        if queue_moved:
            queue_moved_announce(self.queue.pk)


def application_change(
    queue: Queue,
    application: Application,
    *,
    actor: Actor,
    action: str,
    allowed: Collection[str] = (),
    refusal: Callable[[Application], str | Promise] | None = None,
    system_name: str = SYSTEM_ACTOR,
) -> ApplicationChange:
    """Lock the application (the caller holds the queue and any offer and parcel) and begin
    its change; a refusal (`refusal(locked)`) unless its status is one of `allowed`."""
    locked = application_lock(application)
    if allowed and locked.status not in allowed:
        assert refusal is not None, "a status rule says why it refuses"
        raise QueueRefusal(refusal(locked))
    return ApplicationChange(queue, locked, actor, action, system_name)


@contextmanager
def application_changing(
    application: Application,
    *,
    actor: Actor,
    action: str,
    allowed: Collection[str] = (),
    refusal: Callable[[Application], str | Promise] | None = None,
) -> Iterator[ApplicationChange]:
    """A change of one application in a transaction of its own: the queue locked, then the
    application (application_change); any error inside rolls all of it back."""
    with transaction.atomic():
        queue = queue_lock(application.queue_id)
        yield application_change(
            queue, application, actor=actor, action=action, allowed=allowed, refusal=refusal
        )
