from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django_tasks_db.models import DBTaskResult

from rgis.jobs import WORKER_LOST_CLASS
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


def audit_changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """Names of the fields whose value differs between two snapshots."""
    before, after = before or {}, after or {}
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))


def audit_entry_changes(
    entry: AuditEntry, *, reader: User | AnonymousUser
) -> list[tuple[str, Any, Any]]:
    """(field, before, after) of each field an entry changed, as this reader may see them."""
    before = audit_state_for(entry.before, reader=reader) or {}
    after = audit_state_for(entry.after, reader=reader) or {}
    return [
        (name, before.get(name, ""), after.get(name, ""))
        for name in audit_changed_fields(entry.before, entry.after)
    ]


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


def user_password_hash(user_id: int | str | None) -> str | None:
    """The stored password hash of a user, to tell whether a form changed it."""
    if user_id is None:
        return None
    return User.objects.filter(pk=user_id).values_list("password", flat=True).first()


def jobs_given_up_list(*, limit: int) -> QuerySet[DBTaskResult]:
    """Background jobs given up because their worker kept dying, newest first."""
    return DBTaskResult.objects.filter(
        status="FAILED", exception_class_path=WORKER_LOST_CLASS
    ).order_by("-finished_at")[:limit]
