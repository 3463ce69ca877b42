"""Every write of the staff app: the audit log, second factors, letters sent again."""

import json
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from rgis.actors import Actor
from rgis.mail import letter_retry
from rgis.models import OutboundLetter
from rgis.ratelimit import client_id
from rgis.security import sign_in_failure_count
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
    actor: Actor,
    action: str,
    instance: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor_username: str = "",
) -> AuditEntry:
    """Append one entry to the audit log."""
    # Anonymous (a resident) or nobody (a command): no actor. The project's user is User.
    user = actor if isinstance(actor, User) and actor.is_authenticated else None
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


def audit_password_changed(*, actor: Actor, user: User) -> AuditEntry:
    """Record that `actor` changed `user`'s password (that it changed, never the value)."""
    return audit_record(
        actor=actor, action="password_change", instance=user, after={"changed": "password"}
    )


def sign_in_failure_record(*, request: HttpRequest | None, username: str) -> None:
    """Count one failed sign-in; audit a user name or an address reaching its limit.

    Failures are counted, not recorded one by one: a flood of bogus attempts must not grow
    the append-only log without end. One entry `sign_in_throttled` is written when a count
    reaches its limit (rgis.security), after which every door refuses without checking
    passwords until the window ends.
    """
    for which, count in sign_in_failure_count(request, username):
        after: dict[str, Any] = {"throttled": which, "failures": count}
        if which == "address" and request is not None:  # counted only with a request
            after["client"] = client_id(request)  # hashed: the address itself is not kept
        audit_record(
            actor=None,
            action="sign_in_throttled",
            actor_username=username[:150] if which == "user" else "",
            after=after,
        )


def staff_totp_device_add(*, username: str, name: str) -> str:
    """A confirmed TOTP device for the user named `username` (audited); the otpauth://
    address to enrol it. User.DoesNotExist when nobody has that name."""
    user = User.objects.get(username=username)
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


def outbox_letter_retry(*, actor: User | AnonymousUser | None, letter_id: int) -> OutboundLetter:
    """Send an undelivered letter again (rgis.mail.letter_retry), written to the audit log.

    OutboundLetter.DoesNotExist when there is no such letter.
    """
    letter = OutboundLetter.objects.get(pk=letter_id)
    with transaction.atomic():
        before = {"status": letter.status, "attempts": letter.attempts}
        letter = letter_retry(letter=letter)
        audit_record(
            actor=actor,
            action="mail.letter_retry",
            instance=letter,
            before=before,
            after={"status": letter.status, "attempts": letter.attempts},
        )
    return letter
