"""Moderators hide abusive text or photos of an appeal from the public, keeping the original.

The public pages and Open311 leave out what is hidden; staff still read it, with the reason.
The audit entry holds the flags and the reason only: never the hidden text itself, which
may carry the very abuse (or personal data) it was hidden for.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from appeals.errors import AppealRefusal
from appeals.models import Appeal, AppealPhoto
from appeals.services import Actor
from staff.services import audit_record

REASON_MAX = 300


def _reason_clean(reason: str) -> str:
    text = " ".join(reason.split())
    if not text:
        raise AppealRefusal(_("Say why it is hidden: other moderators will read it."))
    if len(text) > REASON_MAX:
        raise AppealRefusal(
            _("Keep the reason under %(count)s characters.") % {"count": REASON_MAX}
        )
    return text


def _audit(*, actor: Actor, action: str, instance: Appeal | AppealPhoto, before: dict) -> None:
    staff = actor if actor is not None and actor.is_authenticated else None
    after = {"is_hidden": _hidden(instance), "hidden_reason": instance.hidden_reason}
    audit_record(
        actor=staff,  # type: ignore[arg-type]
        action=action,
        instance=instance,
        before=before,
        after=after,
    )


def _hidden(instance: Appeal | AppealPhoto) -> bool:
    if isinstance(instance, Appeal):
        return instance.description_hidden
    return instance.is_hidden


def _set_text(*, appeal: Appeal, hidden: bool, reason: str, actor: Actor) -> Appeal:
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
        before = {"is_hidden": locked.description_hidden, "hidden_reason": locked.hidden_reason}
        locked.description_hidden = hidden
        locked.hidden_reason = reason
        locked.save(update_fields=["description_hidden", "hidden_reason"])
        action = "appeals.appeal.text_hide" if hidden else "appeals.appeal.text_unhide"
        _audit(actor=actor, action=action, instance=locked, before=before)
    return locked


def _set_photo(*, photo: AppealPhoto, hidden: bool, reason: str, actor: Actor) -> AppealPhoto:
    with transaction.atomic():
        locked = AppealPhoto.objects.select_for_update().get(pk=photo.pk)
        before = {"is_hidden": locked.is_hidden, "hidden_reason": locked.hidden_reason}
        locked.is_hidden = hidden
        locked.hidden_reason = reason
        locked.save(update_fields=["is_hidden", "hidden_reason"])
        action = "appeals.photo.hide" if hidden else "appeals.photo.unhide"
        _audit(actor=actor, action=action, instance=locked, before=before)
    return locked


def appeal_text_hide(*, appeal: Appeal, reason: str, actor: Actor) -> Appeal:
    """Hide the description from the public (kept for staff), with the reason."""
    return _set_text(appeal=appeal, hidden=True, reason=_reason_clean(reason), actor=actor)


def appeal_text_unhide(*, appeal: Appeal, actor: Actor) -> Appeal:
    """Show the description to the public again."""
    return _set_text(appeal=appeal, hidden=False, reason="", actor=actor)


def appeal_photo_hide(*, photo: AppealPhoto, reason: str, actor: Actor) -> AppealPhoto:
    """Hide one photo from the public (the file is kept), with the reason."""
    return _set_photo(photo=photo, hidden=True, reason=_reason_clean(reason), actor=actor)


def appeal_photo_unhide(*, photo: AppealPhoto, actor: Actor) -> AppealPhoto:
    """Show a hidden photo to the public again."""
    return _set_photo(photo=photo, hidden=False, reason="", actor=actor)
