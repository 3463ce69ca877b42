"""Staff work on an appeal: take it, reassign, forward, extend, answer, reject, close.

Every change is one transaction with an AppealEvent (the public history shows status and
date, never who filed) and an audit entry with the officer's name.
"""

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals.deadlines import extension_limit
from appeals.errors import AppealRefusal
from appeals.models import Appeal, AppealPhoto, Department
from appeals.photos import MAX_PHOTOS, photo_clean
from appeals.services.history import appeal_event_add, staff_user
from appeals.tasks import appeal_status_notify_enqueue
from rgis.actors import Actor
from rgis.personal import personal_decrypt
from staff.services import audit_record, audit_snapshot

Status = Appeal.Status

# Which status may follow which; answered and rejected appeals may only be closed.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.REGISTERED: (Status.IN_PROGRESS, Status.FORWARDED, Status.REJECTED, Status.ANSWERED),
    Status.IN_PROGRESS: (Status.FORWARDED, Status.REJECTED, Status.ANSWERED),
    Status.FORWARDED: (Status.CLOSED,),
    Status.ANSWERED: (Status.CLOSED,),
    Status.REJECTED: (Status.CLOSED,),
    Status.CLOSED: (),
}


def _locked(appeal: Appeal) -> Appeal:
    locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
    # The caller checked its reach on the department the appeal had when loaded: if it was
    # given to another department meanwhile, that check no longer holds.
    if locked.department_id != appeal.department_id:
        raise AppealRefusal(_("The appeal was given to another department meanwhile."))
    return locked


def _record(
    *,
    appeal: Appeal,
    actor: Actor,
    before_status: str,
    note: str,
    action: str,
    before: dict[str, Any],
) -> None:
    appeal_event_add(appeal=appeal, actor=actor, note=note, status_before=before_status)
    audit_record(
        actor=staff_user(actor),
        action=action,
        instance=appeal,
        before=before,
        after=audit_snapshot(appeal),
    )
    appeal_status_notify_enqueue(appeal)


def appeal_status_set(*, appeal: Appeal, status: str, actor: Actor, note: str = "") -> Appeal:
    """Move an appeal to a status its current one allows."""
    with transaction.atomic():
        locked = _locked(appeal)
        if status not in TRANSITIONS.get(locked.status, ()):
            raise AppealRefusal(
                _("An appeal that is “%(now)s” cannot become “%(next)s”.")
                % {"now": locked.get_status_display(), "next": Status(status).label}
            )
        if status in (Status.FORWARDED, Status.REJECTED) and not note.strip():
            raise AppealRefusal(_("Say why: the applicant and the journal will read it."))
        before, before_status = audit_snapshot(locked), locked.status
        locked.status = status
        locked.save(update_fields=["status"])
        _record(
            appeal=locked,
            actor=actor,
            before_status=before_status,
            note=note.strip(),
            action=f"appeals.appeal.{status}",
            before=before,
        )
    return locked


def appeal_reassign(*, appeal: Appeal, department: Department, actor: Actor, note: str) -> Appeal:
    """Give an appeal to another department (the routing got it wrong)."""
    with transaction.atomic():
        locked = _locked(appeal)
        if locked.status not in Appeal.OPEN_STATUSES:
            raise AppealRefusal(_("Only an open appeal can be given to another department."))
        before = audit_snapshot(locked)
        locked.department = department
        locked.save(update_fields=["department"])
        _record(
            appeal=locked,
            actor=actor,
            before_status=locked.status,
            note=note.strip() or str(_("Given to %(name)s") % {"name": department.name}),
            action="appeals.appeal.reassign",
            before=before,
        )
    return locked


def appeal_extend(*, appeal: Appeal, until: datetime.date, reason: str, actor: Actor) -> Appeal:
    """Extend the term by a reasoned decision, up to two months (АППК art. 76)."""
    with transaction.atomic():
        locked = _locked(appeal)
        if locked.status not in Appeal.OPEN_STATUSES:
            raise AppealRefusal(_("Only an open appeal can have its term extended."))
        if not reason.strip():
            raise AppealRefusal(_("An extension needs a written reason."))
        limit = extension_limit(locked.registered_on)
        if not locked.deadline < until <= limit:
            raise AppealRefusal(
                _("The new term must be after %(due)s and no later than %(limit)s (two months).")
                % {"due": locked.deadline.isoformat(), "limit": limit.isoformat()}
            )
        before = audit_snapshot(locked)
        locked.extended_until = until
        locked.extension_reason = reason.strip()
        locked.save(update_fields=["extended_until", "extension_reason"])
        _record(
            appeal=locked,
            actor=actor,
            before_status=locked.status,
            note=str(_("Term extended to %(date)s: %(reason)s"))
            % {"date": until.isoformat(), "reason": reason.strip()},
            action="appeals.appeal.extend",
            before=before,
        )
    return locked


def appeal_answer(
    *, appeal: Appeal, text: str, actor: Actor, photos: Sequence[UploadedFile] = ()
) -> Appeal:
    """Answer an appeal with text and up to three photos; the applicant is told."""
    if not text.strip():
        raise AppealRefusal(_("Write the answer."))
    if len(photos) > MAX_PHOTOS:
        raise AppealRefusal(_("Attach at most %(count)s photos.") % {"count": MAX_PHOTOS})
    cleaned = [photo_clean(photo) for photo in photos]
    with transaction.atomic():
        locked = _locked(appeal)
        if Status.ANSWERED not in TRANSITIONS.get(locked.status, ()):
            raise AppealRefusal(
                _("An appeal that is “%(now)s” cannot be answered.")
                % {"now": locked.get_status_display()}
            )
        before, before_status = audit_snapshot(locked), locked.status
        locked.status = Status.ANSWERED
        locked.answer = text.strip()
        locked.answered_at = timezone.now()
        locked.save(update_fields=["status", "answer", "answered_at"])
        for content in cleaned:
            AppealPhoto.objects.create(
                appeal=locked, image=content, source=AppealPhoto.Source.ANSWER
            )
        _record(
            appeal=locked,
            actor=actor,
            before_status=before_status,
            note="",
            action="appeals.appeal.answer",
            before=before,
        )
    return locked


def appeal_applicant_iin_read(*, appeal: Appeal, actor: Actor) -> str:
    """The applicant's IIN in clear, for an operator who asked to read it; audited.

    The audit entry names the reader and the appeal, never the IIN itself.
    """
    if appeal.is_anonymous or not appeal.applicant_iin_encrypted:
        raise AppealRefusal(_("This appeal has no IIN."))
    audit_record(
        actor=staff_user(actor),
        action="appeals.appeal.iin_read",
        instance=appeal,
    )
    return personal_decrypt(appeal.applicant_iin_encrypted)
