from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from staff.models import AuditEntry
from staff.roles import ROLE_CAPABILITIES, capability


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
