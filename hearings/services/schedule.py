"""The organiser's writes on a hearing: its particulars, meetings, documents and status.

Every rule of the dates (Order No. 505) is checked by hearings.rules before anything is
written, and backed by the database (check constraints and migration 0002's triggers).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geodata.models import LayerVersion
from hearings.errors import HearingRefusal
from hearings.models import Hearing, HearingDocument, Meeting
from hearings.rules import local_day, schedule_problems
from rgis.actors import Actor
from rgis.errors import refusal_from
from staff.services import audit_record, audit_snapshot

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class Particulars:
    """What the organiser writes about a hearing; `territory` None keeps it (or, for a new
    hearing, takes the plan's area or the version's extent)."""

    slug: str
    title_kk: str
    title_ru: str
    title_en: str
    territory_name: str
    announced_on: datetime.date
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    organiser_contacts: str
    territory: GEOSGeometry | None = None


def _multipolygon(geometry: GEOSGeometry) -> MultiPolygon:
    if geometry.srid is None:
        geometry.srid = 4326
    if isinstance(geometry, Polygon):
        geometry = MultiPolygon(geometry, srid=geometry.srid)
    if not isinstance(geometry, MultiPolygon):
        raise HearingRefusal(_("The territory must be a polygon or a multipolygon."))
    if geometry.srid != settings.RGIS_STORAGE_SRID:
        geometry = geometry.transform(settings.RGIS_STORAGE_SRID, clone=True)
    return geometry  # type: ignore[return-value]  # transform keeps the geometry type


def _territory_default(version: LayerVersion) -> MultiPolygon:
    plan = version.layer.plan
    if plan.area is not None:
        return plan.area
    if version.extent is not None:
        return _multipolygon(version.extent)
    raise HearingRefusal(
        _("Neither the plan nor the version has an area: draw the territory (GeoJSON).")
    )


def _schedule_check(hearing: Hearing, meetings: list[datetime.datetime]) -> None:
    problems = schedule_problems(
        announced_on=hearing.announced_on,
        opens_at=hearing.opens_at,
        closes_at=hearing.closes_at,
        meetings=meetings,
    )
    if problems:
        raise HearingRefusal(" ".join(problems))


def _save(hearing: Hearing, meetings: list[datetime.datetime]) -> None:
    _schedule_check(hearing, meetings)
    try:
        hearing.full_clean(exclude=["plan", "version"])
    except ValidationError as error:
        raise refusal_from(error) from None
    try:
        with transaction.atomic():
            hearing.save()
    except IntegrityError:
        # A meeting added meanwhile by someone else broke the dates (migration 0002).
        raise HearingRefusal(
            _("The dates no longer fit the meetings: reload the page and check them.")
        ) from None


# The particulars a hearing's form edits, as the Hearing's fields of the same names.
PARTICULAR_FIELDS = (
    "slug",
    "title_kk",
    "title_ru",
    "title_en",
    "territory_name",
    "announced_on",
    "opens_at",
    "closes_at",
    "organiser_contacts",
)


def _apply(hearing: Hearing, particulars: Particulars) -> None:
    for name in PARTICULAR_FIELDS:
        value = getattr(particulars, name)
        setattr(hearing, name, value.strip() if isinstance(value, str) else value)
    if particulars.territory is not None:
        hearing.territory = _multipolygon(particulars.territory)


def hearing_create(*, version: LayerVersion, particulars: Particulars, actor: Actor) -> Hearing:
    """A hearing (being prepared) on a published plan version; the dates checked."""
    if version.published_at is None:
        raise HearingRefusal(
            _("Only a published version can be discussed: publish this one first.")
        )
    hearing = Hearing(version=version, plan=version.layer.plan)
    _apply(hearing, particulars)
    if particulars.territory is None:
        hearing.territory = _territory_default(version)
    with transaction.atomic():
        _save(hearing, [])
        audit_record(
            actor=actor,
            action="hearings.hearing.create",
            instance=hearing,
            after=audit_snapshot(hearing),
        )
    return hearing


def hearing_update(*, hearing: Hearing, particulars: Particulars, actor: Actor) -> Hearing:
    """Change a hearing's particulars; the dates are checked against its meetings."""
    if hearing.status in (Hearing.Status.CLOSED, Hearing.Status.PROTOCOL_PUBLISHED):
        raise HearingRefusal(_("This hearing is closed: its particulars can no longer change."))
    with transaction.atomic():
        hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
        before = audit_snapshot(hearing)
        _apply(hearing, particulars)
        _save(hearing, list(hearing.meetings.values_list("starts_at", flat=True)))
        audit_record(
            actor=actor,
            action="hearings.hearing.update",
            instance=hearing,
            before=before,
            after=audit_snapshot(hearing),
        )
    return hearing


def meeting_add(
    *,
    hearing: Hearing,
    starts_at: datetime.datetime,
    place: str,
    location: tuple[float, float] | None,
    online_link: str,
    actor: Actor,
) -> Meeting:
    """An open meeting, no earlier than 20 days after the announcement (Order No. 505)."""
    if hearing.status in (Hearing.Status.CLOSED, Hearing.Status.PROTOCOL_PUBLISHED):
        raise HearingRefusal(_("This hearing is closed: no meeting can be added."))
    if not place.strip():
        raise HearingRefusal(_("Say where the meeting is held."))
    with transaction.atomic():
        hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
        existing = list(hearing.meetings.values_list("starts_at", flat=True))
        _schedule_check(hearing, [*existing, starts_at])
        meeting = Meeting(
            hearing=hearing,
            starts_at=starts_at,
            place=place.strip(),
            location=None if location is None else Point(location[1], location[0], srid=4326),
            online_link=online_link.strip(),
        )
        try:
            meeting.full_clean()
        except ValidationError as error:
            raise refusal_from(error) from None
        meeting.save()
        audit_record(
            actor=actor,
            action="hearings.meeting.add",
            instance=meeting,
            after=audit_snapshot(meeting),
        )
    return meeting


def document_add(
    *, hearing: Hearing, title: str, upload: UploadedFile, actor: Actor
) -> HearingDocument:
    """Attach a PDF: its content must be a PDF, and at most RGIS_HEARINGS_DOCUMENT_MAX_MB."""
    limit = settings.RGIS_HEARINGS_DOCUMENT_MAX_MB
    if not title.strip():
        raise HearingRefusal(_("Give the document a title."))
    if upload.size is not None and upload.size > limit * 1024 * 1024:
        raise HearingRefusal(
            _("The document is larger than %(mb)s MB. Attach a smaller PDF.") % {"mb": limit}
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    # A PDF starts with "%PDF-" within its first kilobyte (ISO 32000-1, 7.5.2); what does not
    # is refused whatever its name says.
    if PDF_MAGIC not in head:
        raise HearingRefusal(
            _("“%(name)s” is not a PDF. Attach the document as a PDF file.")
            % {"name": upload.name or "?"}
        )
    with transaction.atomic():
        document = HearingDocument(hearing=hearing, title=title.strip(), size=upload.size or 0)
        document.file.save("document.pdf", upload, save=False)
        document.save()
        audit_record(
            actor=actor,
            action="hearings.document.add",
            instance=document,
            after=audit_snapshot(document),
        )
    return document


# --------------------------------------------------------------------------- the status


def _status_change(hearing: Hearing, *, to: str, actor: Actor) -> Hearing:
    with transaction.atomic():
        hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
        before = audit_snapshot(hearing)
        hearing.status = to
        hearing.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=f"hearings.hearing.{to}",
            instance=hearing,
            before=before,
            after=audit_snapshot(hearing),
        )
    return hearing


def hearing_announce(*, hearing: Hearing, actor: Actor) -> Hearing:
    """Draft → announced: public from now on. Needs contacts and a meeting that fits."""
    if hearing.status != Hearing.Status.DRAFT:
        raise HearingRefusal(_("Only a hearing being prepared can be announced."))
    meetings = list(hearing.meetings.values_list("starts_at", flat=True))
    if not meetings:
        raise HearingRefusal(
            _("Add the open meeting first: the announcement gives its date and place.")
        )
    if not hearing.organiser_contacts.strip():
        raise HearingRefusal(_("Give the organiser's contacts: the announcement lists them."))
    if local_day(timezone.now()) > hearing.announced_on:
        raise HearingRefusal(
            _(
                "The announcement date (%(date)s) has passed: set today's date or a later one, "
                "and check the meetings are still 20 days after it."
            )
            % {"date": hearing.announced_on.isoformat()}
        )
    _schedule_check(hearing, meetings)
    return _status_change(hearing, to=Hearing.Status.ANNOUNCED, actor=actor)


def hearing_open(*, hearing: Hearing, actor: Actor) -> Hearing:
    """Announced → open for comments, once the window's first moment has come."""
    if hearing.status != Hearing.Status.ANNOUNCED:
        raise HearingRefusal(_("Only an announced hearing can be opened for comments."))
    if timezone.now() < hearing.opens_at:
        raise HearingRefusal(
            _("The comment window opens on %(date)s: open the hearing then.")
            % {"date": timezone.localtime(hearing.opens_at).strftime("%Y-%m-%d %H:%M")}
        )
    return _status_change(hearing, to=Hearing.Status.OPEN, actor=actor)


def hearing_close(*, hearing: Hearing, actor: Actor) -> Hearing:
    """Open → closed, once the window has ended (residents were told until when)."""
    if hearing.status != Hearing.Status.OPEN:
        raise HearingRefusal(_("Only an open hearing can be closed."))
    if timezone.now() < hearing.closes_at:
        raise HearingRefusal(
            _(
                "Residents were told comments are accepted until %(date)s: the hearing can be "
                "closed after that."
            )
            % {"date": timezone.localtime(hearing.closes_at).strftime("%Y-%m-%d %H:%M")}
        )
    return _status_change(hearing, to=Hearing.Status.CLOSED, actor=actor)
