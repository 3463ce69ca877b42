"""Filing an appeal, through whichever door it comes: the portal, the front office, Open311.

Registered at once (АППК art. 64): checked, numbered, routed to its department, given its
deadline, its photos re-encoded, its first history step written, and the receipt mailed.
"""

import dataclasses
import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from appeals.deadlines import appeal_terms
from appeals.errors import AppealRefusal
from appeals.models import Appeal, AppealPhoto, Category
from appeals.photos import MAX_PHOTOS, photo_clean
from appeals.selectors.public import appeal_number_by_key
from appeals.selectors.routing import department_for
from appeals.services.history import appeal_event_add, staff_user
from appeals.tasks import appeal_status_notify_enqueue
from rgis.actors import Actor
from rgis.personal import iin_digest, iin_validate, personal_encrypt
from staff.services import audit_record, audit_snapshot

# Each door files with keys of its own: the portal's form ("web", keys the server made),
# the front office ("staff") and each Open311 partner ("open311:<partner id>"). The stored
# key is "<scope>:<key>", so no key sent through one door can match another door's (a
# visitor cannot pre-claim a partner's next key); the database checks the shape.
IDEMPOTENCY_SCOPE = re.compile(r"web|staff|open311:[0-9]+")
IDEMPOTENCY_KEY_MAX = 100
# The longest description an appeal may have, whichever door it comes through.
DESCRIPTION_MAX = 5000


def idempotency_key_scoped(*, scope: str, key: str) -> str | None:
    """The key as stored: "<scope>:<key>"; None without a key."""
    if not IDEMPOTENCY_SCOPE.fullmatch(scope):
        raise ValueError(f"Unknown idempotency scope {scope!r}")
    key = key.strip()
    if not key:
        return None
    scoped = f"{scope}:{key}"
    if len(scoped) > IDEMPOTENCY_KEY_MAX:
        # Never cut: two long keys alike in their first 100 characters would be one appeal.
        raise AppealRefusal(
            _("The request key is too long (at most %(count)s characters).")
            % {"count": IDEMPOTENCY_KEY_MAX - len(scope) - 1}
        )
    return scoped


@dataclass(frozen=True)
class Applicant:
    """Who files (АППК art. 63); all blank for an anonymous report where it is allowed."""

    full_name: str = ""
    iin: str = ""
    email: str = ""
    phone: str = ""
    postal_address: str = ""

    @classmethod
    def from_fields(cls, data: Mapping[str, Any]) -> "Applicant":
        """The applicant from a form's cleaned data, whose fields are named as here."""
        return cls(**{field.name: data[field.name] for field in dataclasses.fields(cls)})


def appeal_number_next(at: datetime.datetime) -> str:
    """A new appeal number: the year and a serial, e.g. 2026-000042."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('appeals_appeal_number_seq')")
        serial = cursor.fetchone()[0]
    return f"{timezone.localtime(at).year}-{serial:06d}"


def _location_check(lat: float, lon: float) -> Point:
    west, south, east, north = settings.RGIS_APPEALS_BOUNDS
    if not (south <= lat <= north and west <= lon <= east):
        raise AppealRefusal(
            _("The place is outside the city. Put the pin on the map of the city, please.")
        )
    return Point(lon, lat, srid=4326)


def _lengths_check(*fields: tuple[str | Promise, str, int]) -> None:
    """Every door's texts fit their columns: a refusal naming the field, never a 500."""
    for label, value, limit in fields:
        if len(value) > limit:
            raise AppealRefusal(
                _("%(field)s is too long (at most %(count)s characters).")
                % {"field": label, "count": limit}
            )


def _applicant_fields(
    category: Category, applicant: Applicant, anonymous: bool
) -> dict[str, str | bool]:
    if anonymous:
        if not category.allows_anonymous:
            raise AppealRefusal(
                _(
                    "Anonymous appeals are not considered in this category (Administrative "
                    "Procedural Code, art. 63). Give your name, IIN and a contact."
                )
            )
        return {"is_anonymous": True}
    name = " ".join(applicant.full_name.split())
    if not name:
        raise AppealRefusal(_("Enter your full name."))
    _lengths_check(
        (_("The full name"), name, 300),
        (_("The e-mail address"), applicant.email.strip(), 254),
        (_("The phone"), applicant.phone.strip(), 40),
        (_("The postal address"), applicant.postal_address.strip(), 300),
    )
    if applicant.email.strip():
        try:
            validate_email(applicant.email.strip())
        except ValidationError:
            raise AppealRefusal(_("Enter an e-mail address such as name@example.kz.")) from None
    if not applicant.iin.strip():
        raise AppealRefusal(_("Enter your IIN (12 digits)."))
    iin = iin_validate(applicant.iin)
    if not (applicant.email.strip() or applicant.phone.strip() or applicant.postal_address.strip()):
        raise AppealRefusal(_("Leave an e-mail, a phone or a postal address for the answer."))
    return {
        "is_anonymous": False,
        "applicant_name": name,
        "applicant_iin_encrypted": personal_encrypt(iin),
        "applicant_iin_digest": iin_digest(iin),
        "applicant_email": applicant.email.strip(),
        "applicant_phone": applicant.phone.strip(),
        "applicant_address": applicant.postal_address.strip(),
    }


def appeal_file(
    *,
    category: Category,
    lat: float,
    lon: float,
    description: str,
    applicant: Applicant,
    anonymous: bool = False,
    address: str = "",
    photos: Sequence[UploadedFile] = (),
    channel: str = Appeal.Channel.WEB,
    idempotency_key: str = "",
    idempotency_scope: str = "",
    actor: Actor = None,
) -> tuple[Appeal, bool]:
    """Register an appeal at once; (appeal, created). The same key again through the same
    door (idempotency_scope; blank: "staff" for staff, else "web"): the same appeal."""
    staff = staff_user(actor)
    scope = idempotency_scope or ("staff" if staff is not None else "web")
    key = idempotency_key_scoped(scope=scope, key=idempotency_key)
    if key is not None and appeal_number_by_key(key) is not None:
        return Appeal.objects.get(idempotency_key=key), False
    if not category.is_active:
        raise AppealRefusal(_("This category is no longer in use. Pick another one."))
    text = description.strip()
    if len(text) < 10:
        raise AppealRefusal(_("Describe the problem in a few words (at least 10 characters)."))
    _lengths_check((_("The description"), text, DESCRIPTION_MAX))
    if len(photos) > MAX_PHOTOS:
        raise AppealRefusal(_("Attach at most %(count)s photos.") % {"count": MAX_PHOTOS})
    if channel not in Appeal.Channel.values:
        raise AppealRefusal(_("Unknown channel."))
    location = _location_check(lat, lon)
    personal = _applicant_fields(category, applicant, anonymous)
    # Photos are checked and re-encoded before anything is written: a bad one loses nothing.
    cleaned = [photo_clean(photo) for photo in photos]
    received = timezone.now()
    registered_on, deadline = appeal_terms(received)
    try:
        with transaction.atomic():
            appeal = Appeal(
                number=appeal_number_next(received),
                category=category,
                department=department_for(category, location),
                location=location,
                address=address.strip()[:300],
                description=text,
                channel=channel,
                received_at=received,
                registered_on=registered_on,
                deadline=deadline,
                accepted_by=staff,
                idempotency_key=key,
                **personal,
            )
            appeal.save(force_insert=True)
            for content in cleaned:
                AppealPhoto.objects.create(appeal=appeal, image=content)
            appeal_event_add(appeal=appeal, actor=staff, note=str(_("Registered")), at=received)
            # The receipt by e-mail too, if one was left.
            appeal_status_notify_enqueue(appeal, followed=False)
            if staff is not None:
                audit_record(
                    actor=staff,
                    action="appeals.appeal.file",
                    instance=appeal,
                    after=audit_snapshot(appeal),
                )
    except IntegrityError:
        # Two submissions with the same key raced: the other one won; answer with it.
        if key is not None:
            existing = Appeal.objects.filter(idempotency_key=key).first()
            if existing is not None:
                return existing, False
        raise
    return appeal, True
