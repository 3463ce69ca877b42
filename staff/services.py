"""Every write of the staff app: the audit log."""

import json
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from staff.models import AuditEntry

# Never copied into the audit log, whatever model they sit on.
# Applicants' personal data stays out of it too (privacy: never in logs).
REDACTED_FIELDS = frozenset(
    {
        "password",
        "iin",
        "iin_hash",
        "iin_digest",
        "iin_encrypted",
        "full_name",
        "email",
        "phone",
        "applicant_name",
        "applicant_iin_encrypted",
        "applicant_iin_digest",
        "applicant_email",
        "applicant_phone",
        "applicant_address",
    }  # fmt: skip
)
REDACTED = "[redacted]"
# Secrets are never stored, whatever their field is called on whichever model: a field
# whose name holds one of these (partner tokens, key hashes, passwords, client keys).
SECRET_FIELD_PARTS = ("password", "token", "secret", "key_hash", "api_key", "idempotency_key")


def audit_field_is_secret(name: str) -> bool:
    """Whether a snapshot field holds a secret that the audit log never keeps."""
    lowered = name.lower()
    return lowered in REDACTED_FIELDS or any(part in lowered for part in SECRET_FIELD_PARTS)


def audit_redact(state: Any) -> Any:
    """A snapshot (or any JSON-able value) with every secret and personal field redacted."""
    if isinstance(state, dict):
        return {
            key: REDACTED if audit_field_is_secret(str(key)) else audit_redact(value)
            for key, value in state.items()
        }
    if isinstance(state, list):
        return [audit_redact(item) for item in state]
    return state


def audit_snapshot(instance: models.Model) -> dict[str, Any]:
    """The audit-friendly state of a model instance: its fields and many-to-many members."""
    state: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        value = field.value_from_object(instance)
        state[field.name] = REDACTED if audit_field_is_secret(field.name) else value
    if instance.pk is not None:
        for m2m in instance._meta.many_to_many:
            state[m2m.name] = sorted(str(member) for member in getattr(instance, m2m.name).all())
    # Round-trip through JSON so dates, decimals and geometries are stored as text.
    return json.loads(json.dumps(state, cls=DjangoJSONEncoder, default=str))


def audit_record(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    instance: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor_username: str = "",
) -> AuditEntry:
    """Append one entry to the audit log."""
    user = actor if actor is not None and actor.is_authenticated else None
    entry = AuditEntry(
        actor=user,
        actor_username=(user.get_username() if user else actor_username)[:150],
        action=action,
        # Callers may pass their own dictionaries: secrets are kept out of those too.
        before=audit_redact(before),
        after=audit_redact(after),
    )
    if instance is not None:
        entry.object_type = instance._meta.label_lower
        entry.object_id = str(instance.pk or "")
        entry.object_repr = str(instance)[:300]
    # The actor is a user object in hand: skip the query that would check it exists.
    entry.full_clean(exclude=["actor"])
    entry.save(force_insert=True)
    return entry


def audit_changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """Names of the fields whose value differs between two snapshots."""
    before, after = before or {}, after or {}
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))


def audit_password_changed(*, actor: User, user: User) -> AuditEntry:
    """Record that `actor` changed `user`'s password (that it changed, never the value)."""
    return audit_record(
        actor=actor, action="password_change", instance=user, after={"changed": "password"}
    )


def staff_totp_device_add(*, user: User, name: str) -> str:
    """A confirmed TOTP device for `user` (audited); the otpauth:// address to enrol it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        device = TOTPDevice.objects.create(user=user, name=name[:64], confirmed=True)
        audit_record(
            actor=None,
            actor_username="manage.py",
            action="totp_device_add",
            instance=user,
            after={"device": device.name},
        )
    return device.config_url
