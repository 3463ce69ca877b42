"""Every write of an application's record: registration, verification, correction and the
audited reading of its IIN (back-dated filing dates are decided in backdating.py)."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from queues.errors import QueueRefusal
from queues.ledger import timestamp_text
from queues.models import Application, LedgerEntry, Queue
from queues.selectors.applications import ledger_applicant_of
from queues.selectors.positions import application_position
from queues.services.ledger import ledger_append
from queues.services.transitions import (
    actor_user,
    application_changing,
    application_refusal_from,
    queue_audit,
)
from rgis.actors import Actor
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


def application_number_next(queue: Queue, at: datetime.datetime) -> str:
    """A new application number: queue code, year and a serial, e.g. TARAZ-IZHS-2026-0000042."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('queues_application_number_seq')")
        serial = cursor.fetchone()[0]
    return f"{queue.slug.upper()}-{at.year}-{serial:07d}"


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
            if registrar is not None:
                audit_record(
                    actor=registrar,
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


def application_verify(*, application: Application, actor: Actor) -> Application:
    """Record that the officer checked the applicant's documents (needed to allocate)."""
    with application_changing(
        application,
        actor=actor,
        action="queues.application.verify",
        allowed=Application.LIVE_STATUSES,
        refusal=lambda locked: (
            _("Only a waiting or offered application can be verified; this one is %(s)s.")
            % {"s": locked.get_status_display()}
        ),
    ) as change:
        if change.application.is_verified:
            raise QueueRefusal(_("The documents of this application are already verified."))
        change.write({"is_verified": True, "verified_at": timezone.now()})
        change.record(LedgerEntry.Event.VERIFIED, {"status": change.application.status})
    return change.application


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
        with application_changing(
            application, actor=actor, action="queues.application.correct"
        ) as change:
            locked = change.application
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
            position_before = application_position(locked)
            filed_before = locked.filed_at
            applicant_before = ledger_applicant_of(locked)
            change.write(values, validate=True)
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
            change.record(
                LedgerEntry.Event.CORRECTED,
                details,
                applicant_key=(
                    ledger_pseudonym(personal_decrypt_or_fail(locked.iin_encrypted))
                    if "iin_digest" in values
                    else applicant_before
                ),
                audit_extra={"correction_reason": reason},
                queue_moved="filed_at" in values,
            )
    except IntegrityError as error:
        refusal = application_refusal_from(error)
        if refusal is None:
            raise
        raise refusal from None
    return locked


def application_iin_read(*, application: Application, actor: Actor) -> str:
    """The applicant's IIN in full, for an officer who asked to see it: audited (who, which
    application, when; never the IIN itself)."""
    iin = personal_decrypt(application.iin_encrypted)
    queue_audit(actor=actor, action="queues.application.iin_read", instance=application)
    return iin
