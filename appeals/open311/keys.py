"""API keys of partner apps posting Open311 requests: only the key's SHA-256 is kept."""

import hashlib
import secrets

from django.db import transaction

from appeals.models import PartnerApiKey
from staff.services import audit_record

PREFIX_LENGTH = 8


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def partner_key_issue(*, name: str, contact: str = "") -> tuple[PartnerApiKey, str]:
    """A new key for a partner: (the record, the key itself, shown once and never kept)."""
    with transaction.atomic():
        while True:
            key = secrets.token_urlsafe(32)
            prefix = key[:PREFIX_LENGTH]
            if not PartnerApiKey.objects.filter(prefix=prefix).exists():
                break
        partner = PartnerApiKey.objects.create(
            name=name.strip(), contact=contact.strip(), prefix=prefix, key_digest=key_digest(key)
        )
        audit_record(
            actor=None,
            actor_username="open311_key_issue",
            action="appeals.partner_key.issue",
            instance=partner,
            after={"name": partner.name, "prefix": partner.prefix},
        )
    return partner, key


def partner_for_key(key: str) -> PartnerApiKey | None:
    """The active partner holding this key, or None."""
    if not key:
        return None
    return PartnerApiKey.objects.filter(key_digest=key_digest(key), is_active=True).first()
