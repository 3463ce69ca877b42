"""Open311 partner apps: their API keys, and their requests filed through the same core as
the portal (appeal_file). Only a key's SHA-256 is kept."""

import secrets
from dataclasses import dataclass

from django.db import transaction

from appeals.models import Appeal, Category, PartnerApiKey
from appeals.selectors.open311 import partner_key_digest
from appeals.services.filing import Applicant, appeal_file
from staff.services import audit_record

PREFIX_LENGTH = 8


def partner_key_issue(*, name: str, contact: str = "") -> tuple[PartnerApiKey, str]:
    """A new key for a partner: (the record, the key itself, shown once and never kept)."""
    with transaction.atomic():
        while True:
            key = secrets.token_urlsafe(32)
            prefix = key[:PREFIX_LENGTH]
            if not PartnerApiKey.objects.filter(prefix=prefix).exists():
                break
        partner = PartnerApiKey.objects.create(
            name=name.strip(),
            contact=contact.strip(),
            prefix=prefix,
            key_digest=partner_key_digest(key),
        )
        audit_record(
            actor=None,
            actor_username="open311_key_issue",
            action="appeals.partner_key.issue",
            instance=partner,
            after={"name": partner.name, "prefix": partner.prefix},
        )
    return partner, key


@dataclass(frozen=True)
class PartnerRequest:
    """What a partner app posted, already parsed (appeals.views.api.open311)."""

    category: Category
    lat: float
    lon: float
    address: str
    description: str
    first_name: str = ""
    last_name: str = ""
    full_name: str = ""
    iin: str = ""
    email: str = ""
    phone: str = ""
    # A partner's own id for this submission: posting it again answers with the same appeal.
    request_key: str = ""


def partner_request_file(*, partner: PartnerApiKey, request: PartnerRequest) -> tuple[Appeal, bool]:
    """File a partner's request; (appeal, created). The appeal carries the partner and a
    token the partner can look up (tokens/{token})."""
    full_name = request.full_name.strip() or " ".join(
        part for part in (request.last_name.strip(), request.first_name.strip()) if part
    )
    anonymous = request.category.allows_anonymous and not request.iin.strip()
    with transaction.atomic():
        appeal, created = appeal_file(
            category=request.category,
            lat=request.lat,
            lon=request.lon,
            description=request.description,
            address=request.address,
            applicant=Applicant(
                full_name=full_name, iin=request.iin, email=request.email, phone=request.phone
            ),
            anonymous=anonymous,
            channel=Appeal.Channel.WEB,
            idempotency_key=request.request_key,
            idempotency_scope=f"open311:{partner.pk}",
        )
        if created:
            appeal.partner = partner
            appeal.partner_token = secrets.token_urlsafe(24)
            appeal.save(update_fields=["partner", "partner_token"])
    return appeal, created
