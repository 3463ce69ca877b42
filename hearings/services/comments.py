"""Comments on a hearing: from residents on the portal, or entered by the organiser's staff
(said aloud at the meeting, handed in on paper). One comment per idempotency key."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, Point
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals.photos import MAX_PHOTOS, photo_clean
from hearings.errors import CommentRefusal
from hearings.models import Comment, CommentPhoto, Hearing, Topic
from hearings.selectors.discussion import comment_by_key, parcel_by_cadastral_number
from rgis.actors import Actor
from rgis.personal import iin_digest, iin_validate, personal_encrypt
from staff.services import REDACTED, audit_record, audit_snapshot

TEXT_MIN = 10
TEXT_MAX = 5000
# "web": keys the portal's form made and signed; "staff": the organiser's entry form.
IDEMPOTENCY_SCOPES = ("web", "staff")
IDEMPOTENCY_KEY_MAX = 100
STAFF_CHANNELS = (Comment.Channel.MEETING, Comment.Channel.PAPER, Comment.Channel.STAFF)


@dataclass(frozen=True)
class Author:
    """Who comments: a name and one contact (the protocol lists participants); IIN optional."""

    full_name: str
    email: str = ""
    phone: str = ""
    iin: str = ""


@dataclass(frozen=True)
class Place:
    """Where a comment points: a pin (lat, lon), a parcel's cadastral number, an address
    in words, or nothing (all blank)."""

    lat: float | None = None
    lon: float | None = None
    cadastral_number: str = ""
    address: str = ""


def key_scoped(*, scope: str, key: str) -> str | None:
    """The key as stored, "<scope>:<key>"; None without one."""
    if scope not in IDEMPOTENCY_SCOPES:
        raise ValueError(f"Unknown idempotency scope {scope!r}")
    key = key.strip()
    if not key:
        return None
    scoped = f"{scope}:{key}"
    if len(scoped) > IDEMPOTENCY_KEY_MAX:
        raise CommentRefusal(_("The request key is too long."))
    return scoped


def _window_check(hearing: Hearing, channel: str) -> None:
    """Residents comment in the open window; staff enter spoken and paper comments until
    the protocol is published."""
    now = timezone.now()
    opens = timezone.localtime(hearing.opens_at).strftime("%Y-%m-%d %H:%M")
    closes = timezone.localtime(hearing.closes_at).strftime("%Y-%m-%d %H:%M")
    if channel in STAFF_CHANNELS:
        if hearing.status not in (Hearing.Status.OPEN, Hearing.Status.CLOSED):
            raise CommentRefusal(
                _("Comments are entered while the hearing is open or just closed, not now.")
            )
        return
    if now < hearing.opens_at:
        raise CommentRefusal(
            _("Comments will be accepted from %(opens)s to %(closes)s.")
            % {"opens": opens, "closes": closes}
        )
    if hearing.status != Hearing.Status.OPEN or now >= hearing.closes_at:
        raise CommentRefusal(
            _("Comments were accepted from %(opens)s to %(closes)s. The window is closed.")
            % {"opens": opens, "closes": closes}
        )


def _author_fields(author: Author) -> dict[str, str]:
    name = " ".join(author.full_name.split())
    if not name:
        raise CommentRefusal(_("Enter your name: the protocol lists who took part."))
    if len(name) > 300:
        raise CommentRefusal(_("The name is too long (at most 300 characters)."))
    email, phone = author.email.strip(), author.phone.strip()
    if not (email or phone):
        raise CommentRefusal(_("Leave an e-mail or a phone: the answer is sent there."))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise CommentRefusal(_("Enter an e-mail address such as name@example.kz.")) from None
    if len(phone) > 40:
        raise CommentRefusal(_("The phone is too long (at most 40 characters)."))
    fields = {
        "author_name_encrypted": personal_encrypt(name),
        "author_email_encrypted": personal_encrypt(email) if email else "",
        "author_phone_encrypted": personal_encrypt(phone) if phone else "",
        "author_iin_encrypted": "",
        "author_iin_digest": "",
    }
    if author.iin.strip():
        iin = iin_validate(author.iin)  # InvalidIIN says what is wrong with it
        fields["author_iin_encrypted"] = personal_encrypt(iin)
        fields["author_iin_digest"] = iin_digest(iin)
    return fields


def _place_resolve(place: Place) -> tuple[GEOSGeometry | None, str]:
    """(geometry in the storage SRID or None, the text kept with it)."""
    if place.lat is not None and place.lon is not None:
        west, south, east, north = settings.RGIS_APPEALS_BOUNDS
        if not (south <= place.lat <= north and west <= place.lon <= east):
            raise CommentRefusal(_("The place is outside the city. Put the pin on the draft."))
        point: GEOSGeometry = Point(place.lon, place.lat, srid=4326)
        if point.srid != settings.RGIS_STORAGE_SRID:
            point = point.transform(settings.RGIS_STORAGE_SRID, clone=True)
        return point, place.address.strip()[:300]
    if place.cadastral_number.strip():
        parcel = parcel_by_cadastral_number(place.cadastral_number)
        if parcel is None:
            raise CommentRefusal(
                _(
                    "No parcel with the cadastral number “%(number)s” is in the register. "
                    "Check the number (e.g. 06-097-012-345), or write the address instead."
                )
                % {"number": place.cadastral_number.strip()[:40]}
            )
        return parcel.geometry, parcel.cadastral_number
    return None, place.address.strip()[:300]


def comment_submit(
    *,
    hearing: Hearing,
    topic: Topic,
    text: str,
    author: Author,
    lives_inside: bool,
    place: Place = Place(),
    photos: Sequence[UploadedFile] = (),
    channel: str = Comment.Channel.WEB,
    language: str = "kk",
    idempotency_key: str = "",
    idempotency_scope: str = "web",
    actor: Actor = None,
) -> tuple[Comment, bool]:
    """Accept a comment and give it the hearing's next pseudonym number; (comment, created).

    The same key again gives the same comment, however often it is sent.
    """
    key = key_scoped(scope=idempotency_scope, key=idempotency_key)
    if key is not None and (existing := comment_by_key(key)) is not None:
        return existing, False
    if channel not in Comment.Channel.values:
        raise CommentRefusal(_("Unknown channel."))
    staff = actor if actor is not None and actor.is_authenticated else None
    if (channel in STAFF_CHANNELS) != (staff is not None):
        raise CommentRefusal(_("Only the organiser's staff enter comments of this channel."))
    _window_check(hearing, channel)
    if not topic.is_active:
        raise CommentRefusal(_("This topic is no longer in use. Pick another one."))
    body = text.strip()
    if len(body) < TEXT_MIN:
        raise CommentRefusal(_("Write your comment in a few words (at least 10 characters)."))
    if len(body) > TEXT_MAX:
        raise CommentRefusal(_("The comment is too long (at most 5000 characters)."))
    if len(photos) > MAX_PHOTOS:
        raise CommentRefusal(_("Attach at most %(count)s photos.") % {"count": MAX_PHOTOS})
    personal = _author_fields(author)
    geometry, place_text = _place_resolve(place)
    # Photos are checked and re-encoded before anything is written: a bad one loses nothing.
    cleaned = [photo_clean(photo) for photo in photos]
    try:
        with transaction.atomic():
            locked = Hearing.objects.select_for_update().get(pk=hearing.pk)
            if key is not None and (existing := comment_by_key(key)) is not None:
                return existing, False  # the same key won the lock a moment before
            locked.comment_serial += 1
            locked.save(update_fields=["comment_serial"])
            comment = Comment(
                hearing=locked,
                number=locked.comment_serial,
                topic=topic,
                place=geometry,
                place_text=place_text,
                text=body,
                lives_inside=lives_inside,
                channel=channel,
                language=(language or "kk")[:2],
                idempotency_key=key,
                entered_by=staff,  # type: ignore[misc]  # the project's User
                **personal,
            )
            comment.save(force_insert=True)
            for content in cleaned:
                CommentPhoto.objects.create(comment=comment, image=content)
            if staff is not None:
                audit_record(
                    actor=staff,
                    action="hearings.comment.enter",
                    instance=comment,
                    after=comment_snapshot(comment),
                )
    except IntegrityError:
        if key is not None and (existing := comment_by_key(key)) is not None:
            return existing, False
        raise
    return comment, True


def comment_snapshot(comment: Comment) -> dict[str, Any]:
    """The comment as the audit log keeps it: never who wrote it, not even encrypted."""
    snapshot = audit_snapshot(comment)
    for name in snapshot:
        if name.startswith("author_"):
            snapshot[name] = REDACTED
    return snapshot
