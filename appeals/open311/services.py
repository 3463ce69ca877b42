"""An Open311 POST files an appeal through the same core as the portal (appeal_file)."""

import secrets
from dataclasses import dataclass

from django.db import transaction

from appeals.models import Appeal, Category, PartnerApiKey
from appeals.services import Applicant, appeal_file


@dataclass(frozen=True)
class PartnerRequest:
    """What a partner app posted, already parsed (appeals.open311.views)."""

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
