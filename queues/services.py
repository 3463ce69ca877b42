"""Every write of an application's record: registration, verification, correction.

Offers and lot draws live in queues/offers.py and queues/draws.py, removals in
queues/removals.py, the bulk import in queues/register_import.py. A service does its writes
in one transaction, appends the matching ledger events in it and records staff actions in
the audit log; e-mails go out through background jobs on commit (queues/tasks.py).

Lock order, the same in every service so two officers never deadlock: the queue row (the
ledger's lock too), then the parcel, then the application.
"""

import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from queues.errors import QueueRefusal
from queues.ledger import LedgerEvent, ledger_append, ledger_append_many, timestamp_text
from queues.models import Application, LedgerEntry, Queue
from queues.selectors.applications import ledger_applicant_of
from queues.selectors.positions import application_position
from queues.tasks import queue_moved_announce
from rgis.personal import (
    iin_digest,
    iin_digests,
    iin_validate,
    ledger_pseudonym,
    personal_decrypt,
    personal_decrypt_or_fail,
    personal_encrypt,
)
from staff.services import audit_record, audit_snapshot

Actor = AbstractBaseUser | AnonymousUser | None
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
    signed_in = actor is not None and actor.is_authenticated
    audit_record(
        actor=actor if signed_in else None,  # type: ignore[arg-type]
        action=action,
        instance=instance,
        before=before,
        after=after,
        actor_username="" if signed_in else system_name,
    )


def application_number_next(queue: Queue, at: datetime.datetime) -> str:
    """A new application number: queue code, year and a serial, e.g. TARAZ-IZHS-2026-0000042."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('queues_application_number_seq')")
        serial = cursor.fetchone()[0]
    return f"{queue.slug.upper()}-{at.year}-{serial:07d}"


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


def _older_key_conflict_refuse(queue: Queue, iin: str) -> None:
    """The database's person rules, for rows still hashed under an older look-up key.

    The unique index and the "one plot per purpose" trigger compare hashes; until
    `personal_data_rotate` has re-hashed every row, the same person may carry an older
    key's hash there, so the service asks for those too.
    """
    older = iin_digests(iin)[1:]
    if not older:
        return
    same_person = Application.objects.filter(iin_digest__in=older)
    if same_person.filter(queue=queue, status__in=Application.LIVE_STATUSES).exists():
        raise QueueRefusal(_("This person already has a live application in this queue."))
    if same_person.filter(
        purpose_id=queue.purpose_id, status=Application.Status.ALLOCATED
    ).exists():
        raise QueueRefusal(
            _("This person has already received a plot for this purpose (once in a lifetime).")
        )


def application_register(
    *,
    queue: Queue,
    full_name: str,
    iin: str,
    email: str = "",
    phone: str = "",
    number: str = "",
    filed_at: datetime.datetime | None = None,
    actor: Actor = None,
    backdate_reason: str = "",
    backdate_document: str = "",
    backdate_document_date: datetime.date | None = None,
) -> Application:
    """Put a person on a queue; raises InvalidIIN or QueueRefusal saying why not.

    A filing date before the registration day needs a reason and the paper application's
    (or archive record's) number and date; registered by an officer, the application is
    pending, with no place in line, until a second officer approves the date.
    """
    valid_iin = iin_validate(iin)
    if not full_name.strip():
        raise QueueRefusal(_("Enter the applicant's full name."))
    if not queue.is_open:
        raise QueueRefusal(_("This queue does not accept applications."))
    now = timezone.now()
    filed = filed_at or now
    if filed > now:
        raise QueueRefusal(_("The filing date cannot be in the future."))
    digest = iin_digest(valid_iin)
    registrar = actor_user(actor)
    backdated = filed < registration_day_start(now)
    backdate_reason = " ".join(backdate_reason.split())
    backdate_document = " ".join(backdate_document.split())[:100]
    if backdated and registrar is not None:
        if not backdate_reason or not backdate_document or backdate_document_date is None:
            raise QueueRefusal(
                _(
                    "A filing date before today needs the reason and the number and date of "
                    "the paper application or archive record it follows."
                )
            )
        if backdate_document_date > timezone.localdate(now):
            raise QueueRefusal(_("The document cannot be dated in the future."))
    status = (
        Application.Status.PENDING
        if backdated and registrar is not None
        else Application.Status.WAITING
    )
    try:
        with transaction.atomic():
            _older_key_conflict_refuse(queue, valid_iin)
            application = Application(
                queue=queue,
                purpose_id=queue.purpose_id,
                number=number.strip() or application_number_next(queue, filed),
                filed_at=filed,
                status=status,
                registered_by=registrar,
                backdated=backdated,
                backdate_reason=backdate_reason if backdated else "",
                backdate_document=backdate_document if backdated else "",
                backdate_document_date=backdate_document_date if backdated else None,
                status_changed_at=now,
                full_name=" ".join(full_name.split()),
                iin_encrypted=personal_encrypt(valid_iin),
                iin_digest=digest,
                email=email.strip(),
                phone=phone.strip(),
            )
            application.full_clean(validate_constraints=False, validate_unique=False)
            application.save(force_insert=True)
            ledger_append(
                queue=queue,
                event=LedgerEntry.Event.REGISTERED,
                application_number=application.number,
                applicant_key=ledger_pseudonym(valid_iin),
                details=_registered_details(application),
            )
            if actor is not None and actor.is_authenticated:
                audit_record(
                    actor=actor,  # type: ignore[arg-type]
                    action="queues.application.register",
                    instance=application,
                    after=audit_snapshot(application),
                )
    except IntegrityError as error:
        refusal = application_refusal_from(error)
        if refusal is None:
            raise
        raise refusal from None
    return application


def registration_day_start(now: datetime.datetime) -> datetime.datetime:
    """Midnight (the portal's time zone) of the day `now` falls on."""
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _registered_details(application: Application) -> dict[str, Any]:
    details: dict[str, Any] = {
        "filed_at": timestamp_text(application.filed_at),
        "status": application.status,
    }
    if application.status == Application.Status.PENDING:
        details["backdated"] = True
        details["document"] = application.backdate_document
        details["document_date"] = (
            application.backdate_document_date.isoformat()
            if application.backdate_document_date
            else None
        )
        details["registered_by"] = application.registered_by_id
    return details


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
    with transaction.atomic():
        queue = queue_lock(application.queue_id)
        locked = application_lock(application)
        if locked.status != Application.Status.PENDING:
            raise QueueRefusal(_("This application is not awaiting a decision on its date."))
        user = _second_officer(locked, actor)
        before = audit_snapshot(locked)
        filed_before = locked.filed_at
        locked.status = Application.Status.WAITING
        locked.status_changed_at = timezone.now()
        if approve:
            locked.backdate_approved_by = user
            event = LedgerEntry.Event.BACKDATE_APPROVED
        else:
            locked.filed_at = locked.created_at
            locked.backdated = False
            event = LedgerEntry.Event.BACKDATE_REJECTED
        locked.save(
            update_fields=[
                "status",
                "status_changed_at",
                "backdate_approved_by",
                "filed_at",
                "backdated",
            ]
        )
        details: dict[str, Any] = {
            "status_before": Application.Status.PENDING,
            "status_after": locked.status,
            "filed_at_before": timestamp_text(filed_before),
            "filed_at_after": timestamp_text(locked.filed_at),
            "position_after": application_position(locked),
            "registered_by": locked.registered_by_id,
            "decided_by": user.pk,
        }
        ledger_append(
            queue=queue,
            event=event,
            application_number=locked.number,
            applicant_key=ledger_applicant_of(locked),
            details=details,
        )
        queue_audit(
            actor=actor,
            action="queues.application.backdate_approve"
            if approve
            else "queues.application.backdate_reject",
            instance=locked,
            before=before,
            after=audit_snapshot(locked),
        )
        queue_moved_announce(queue.pk)
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


def application_verify(*, application: Application, actor: Actor) -> Application:
    """Record that the officer checked the applicant's documents (needed to allocate)."""
    with transaction.atomic():
        queue = queue_lock(application.queue_id)
        locked = application_lock(application)
        if locked.status not in Application.LIVE_STATUSES:
            raise QueueRefusal(
                _("Only a waiting or offered application can be verified; this one is %(s)s.")
                % {"s": locked.get_status_display()}
            )
        if locked.is_verified:
            raise QueueRefusal(_("The documents of this application are already verified."))
        before = audit_snapshot(locked)
        locked.is_verified = True
        locked.verified_at = timezone.now()
        locked.save(update_fields=["is_verified", "verified_at"])
        ledger_append(
            queue=queue,
            event=LedgerEntry.Event.VERIFIED,
            application_number=locked.number,
            applicant_key=ledger_applicant_of(locked),
            details={"status": locked.status},
        )
        queue_audit(
            actor=actor,
            action="queues.application.verify",
            instance=locked,
            before=before,
            after=audit_snapshot(locked),
        )
    return locked


# What an officer may correct: typing errors in the person's record, and the filing time
# (which moves the place in line, so the ledger shows both times and both places).
CORRECTABLE_FIELDS = ("full_name", "iin", "email", "phone", "filed_at")


def _correction_values(application: Application, changes: dict[str, Any]) -> dict[str, Any]:
    """The model fields to write for the requested changes, validated; only real changes."""
    unknown = sorted(set(changes) - set(CORRECTABLE_FIELDS))
    if unknown:
        raise QueueRefusal(
            _("These fields cannot be corrected: %(fields)s.") % {"fields": ", ".join(unknown)}
        )
    values: dict[str, Any] = {}
    if "full_name" in changes:
        name = " ".join(str(changes["full_name"] or "").split())
        if not name:
            raise QueueRefusal(_("Enter the applicant's full name."))
        if name != application.full_name:
            values["full_name"] = name
    if "iin" in changes:
        iin = iin_validate(str(changes["iin"] or ""))
        if application.iin_digest not in iin_digests(iin):
            values["iin_digest"] = iin_digest(iin)
            values["iin_encrypted"] = personal_encrypt(iin)
    if "email" in changes:
        email = str(changes["email"] or "").strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise QueueRefusal(_("Enter a valid e-mail address.")) from None
        if email != application.email:
            values["email"] = email
    if "phone" in changes:
        phone = " ".join(str(changes["phone"] or "").split())
        if phone != application.phone:
            values["phone"] = phone
    if "filed_at" in changes:
        filed = changes["filed_at"]
        if not isinstance(filed, datetime.datetime) or timezone.is_naive(filed):
            raise QueueRefusal(_("Give the filing date and time."))
        if filed > timezone.now():
            raise QueueRefusal(_("The filing date cannot be in the future."))
        if filed != application.filed_at:
            values["filed_at"] = filed
    if not values:
        raise QueueRefusal(_("Nothing to correct: the new values are the same as the old."))
    return values


def application_correct(
    *, application: Application, changes: dict[str, Any], actor: Actor, reason: str
) -> Application:
    """Fix a typing error in an application; a new filing time moves it, in the open."""
    reason = " ".join(reason.split())
    if not reason:
        raise QueueRefusal(_("Say why the record is corrected (e.g. the document it follows)."))
    try:
        with transaction.atomic():
            queue = queue_lock(application.queue_id)
            locked = application_lock(application)
            values = _correction_values(locked, changes)
            if (
                "filed_at" in values
                and values["filed_at"] < locked.filed_at
                and actor_user(actor) is not None
            ):
                # Moving someone ahead is back-dating: it needs a document and a second
                # officer (application_register, application_backdate_decide), not one
                # officer's correction.
                raise QueueRefusal(
                    _(
                        "A filing time cannot be moved earlier by a correction: that needs the "
                        "paper record and a second officer. Remove the application as a "
                        "duplicate and register it with the earlier date and its document."
                    )
                )
            before = audit_snapshot(locked)
            position_before = application_position(locked)
            filed_before = locked.filed_at
            applicant_before = ledger_applicant_of(locked)
            for field, value in values.items():
                setattr(locked, field, value)
            locked.full_clean(validate_constraints=False, validate_unique=False)
            locked.save(update_fields=list(values))
            # Field names only: the new values of a name or a contact are personal.
            fields = sorted(
                "iin" if field in ("iin_digest", "iin_encrypted") else field for field in values
            )
            details: dict[str, Any] = {"fields": sorted(set(fields)), "status": locked.status}
            if "filed_at" in values:
                details["filed_at_before"] = timestamp_text(filed_before)
                details["filed_at_after"] = timestamp_text(locked.filed_at)
                details["position_before"] = position_before
                details["position_after"] = application_position(locked)
            if "iin_digest" in values:
                # The keyed hash is public already (the ledger's applicant key): say whose
                # entries before this one belong to the same application.
                details["applicant_before"] = applicant_before
            ledger_append(
                queue=queue,
                event=LedgerEntry.Event.CORRECTED,
                application_number=locked.number,
                applicant_key=(
                    ledger_pseudonym(personal_decrypt_or_fail(locked.iin_encrypted))
                    if "iin_digest" in values
                    else applicant_before
                ),
                details=details,
            )
            queue_audit(
                actor=actor,
                action="queues.application.correct",
                instance=locked,
                before=before,
                after={**audit_snapshot(locked), "correction_reason": reason},
            )
            if "filed_at" in values:
                queue_moved_announce(queue.pk)
    except IntegrityError as error:
        refusal = application_refusal_from(error)
        if refusal is None:
            raise
        raise refusal from None
    return locked


def iin_masked(application: Application) -> str:
    """The IIN as staff lists show it by default: its last four digits only."""
    return "•" * 8 + personal_decrypt(application.iin_encrypted)[-4:]


def application_iin_read(*, application: Application, actor: Actor) -> str:
    """The applicant's IIN in full, for an officer who asked to see it: audited (who, which
    application, when; never the IIN itself)."""
    iin = personal_decrypt(application.iin_encrypted)
    queue_audit(actor=actor, action="queues.application.iin_read", instance=application)
    return iin
