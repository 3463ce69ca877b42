from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from staff.models import AuditEntry
from staff.roles import ROLE_CAPABILITIES, capability
from staff.services import REDACTED, audit_redact

# Free text people wrote (appeals' descriptions and answers, notes, reasons) may name
# anyone: in audit snapshots only administrators (manage_staff) read it.
FREE_TEXT_FIELD_PARTS = ("description", "answer", "note", "reason", "comment", "text", "message")


def audit_reader_sees_free_text(user: User | AnonymousUser) -> bool:
    """Whether this reader of the audit log may read free text in its snapshots."""
    return user.has_perm(capability("manage_staff"))


def audit_state_for(state: Any, *, reader: User | AnonymousUser) -> Any:
    """A before/after snapshot as this reader may see it: secrets never (entries written
    before they were kept out), free text only for administrators."""
    state = audit_redact(state)
    if not isinstance(state, dict) or audit_reader_sees_free_text(reader):
        return state
    return {
        key: REDACTED
        if any(part in str(key).lower() for part in FREE_TEXT_FIELD_PARTS) and value
        else value
        for key, value in state.items()
    }


def audit_entry_list(*, action: str = "", username: str = "") -> QuerySet[AuditEntry]:
    """The audit log, newest first, optionally narrowed to one action or one user."""
    entries = AuditEntry.objects.all()
    if action:
        entries = entries.filter(action=action)
    if username:
        entries = entries.filter(actor_username=username)
    return entries


def staff_roles_of(user: User | AnonymousUser) -> list[str]:
    """The portal roles a user holds (superusers hold them all)."""
    if not user.is_authenticated:
        return []
    if getattr(user, "is_superuser", False):
        return list(ROLE_CAPABILITIES)
    names = set(user.groups.values_list("name", flat=True))
    return [role for role in ROLE_CAPABILITIES if role in names]


def staff_capabilities_of(user: User | AnonymousUser) -> list[str]:
    """The capability codenames a user may exercise."""
    every = sorted({code for codes in ROLE_CAPABILITIES.values() for code in codes})
    return [code for code in every if user.has_perm(capability(code))]
