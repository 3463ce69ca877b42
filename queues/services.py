"""Every write of the queues: registration (more actions live beside it in this package).

A service does its writes in one transaction, appends the matching ledger events in it and
records staff actions in the audit log; e-mails go out through background jobs on commit.
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from queues.errors import QueueRefusal
from queues.ledger import ledger_append, timestamp_text
from queues.models import Application, LedgerEntry, Queue
from rgis.personal import iin_digest, iin_validate, personal_encrypt
from staff.services import audit_record, audit_snapshot

Actor = AbstractBaseUser | AnonymousUser | None


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
) -> Application:
    """Put a person on a queue; raises InvalidIIN or QueueRefusal saying why not."""
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
    try:
        with transaction.atomic():
            application = Application(
                queue=queue,
                purpose_id=queue.purpose_id,
                number=number.strip() or application_number_next(queue, filed),
                filed_at=filed,
                status=Application.Status.WAITING,
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
                applicant_key=digest,
                details={"filed_at": timestamp_text(filed), "status": Application.Status.WAITING},
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
