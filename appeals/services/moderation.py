"""Moderators hide abusive text or photos of an appeal from the public, keeping the original.

The public pages and Open311 leave out what is hidden; staff still read it, with the reason.
The audit entry holds the flags and the reason only: never the hidden text itself, which
may carry the very abuse (or personal data) it was hidden for.
"""

from typing import TypeVar

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from appeals.errors import AppealRefusal
from appeals.models import Appeal, AppealPhoto
from appeals.services.history import staff_user
from rgis.actors import Actor
from staff.services import audit_record

REASON_MAX = 300

Hideable = TypeVar("Hideable", Appeal, AppealPhoto)


def _reason_clean(reason: str) -> str:
    text = " ".join(reason.split())
    if not text:
        raise AppealRefusal(_("Say why it is hidden: other moderators will read it."))
    if len(text) > REASON_MAX:
        raise AppealRefusal(
            _("Keep the reason under %(count)s characters.") % {"count": REASON_MAX}
        )
    return text


def _visibility_set(instance: Hideable, *, hidden: bool, reason: str, actor: Actor) -> Hideable:
    """Lock the row, set whether the public sees it and why not, and audit both states."""
    if isinstance(instance, Appeal):
        flag = "description_hidden"
        action = "appeals.appeal.text_hide" if hidden else "appeals.appeal.text_unhide"
    else:
        flag = "is_hidden"
        action = "appeals.photo.hide" if hidden else "appeals.photo.unhide"
    with transaction.atomic():
        locked = type(instance).objects.select_for_update().get(pk=instance.pk)
        before = {"is_hidden": getattr(locked, flag), "hidden_reason": locked.hidden_reason}
        setattr(locked, flag, hidden)
        locked.hidden_reason = reason
        locked.save(update_fields=[flag, "hidden_reason"])
        audit_record(
            actor=staff_user(actor),
            action=action,
            instance=locked,
            before=before,
            after={"is_hidden": hidden, "hidden_reason": reason},
        )
    return locked


def appeal_text_hide(*, appeal: Appeal, reason: str, actor: Actor) -> Appeal:
    """Hide the description from the public (kept for staff), with the reason."""
    return _visibility_set(appeal, hidden=True, reason=_reason_clean(reason), actor=actor)


def appeal_text_unhide(*, appeal: Appeal, actor: Actor) -> Appeal:
    """Show the description to the public again."""
    return _visibility_set(appeal, hidden=False, reason="", actor=actor)


def appeal_photo_hide(*, photo: AppealPhoto, reason: str, actor: Actor) -> AppealPhoto:
    """Hide one photo from the public (the file is kept), with the reason."""
    return _visibility_set(photo, hidden=True, reason=_reason_clean(reason), actor=actor)


def appeal_photo_unhide(*, photo: AppealPhoto, actor: Actor) -> AppealPhoto:
    """Show a hidden photo to the public again."""
    return _visibility_set(photo, hidden=False, reason="", actor=actor)
