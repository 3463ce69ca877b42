"""A hearing on a published parcels draft with registered parcels, through the real services."""

import datetime

import pytest
from django.utils import timezone

from hearings.models import Hearing, Topic
from hearings.services.comments import Author, Place, comment_submit
from hearings.services.schedule import Particulars, hearing_create, meeting_add
from tests.factories import StaffUserFactory
from tests.parcels.factories import registry_import, rows_of, version_make

# A cadastral number the draft's registry holds (tests.parcels.factories.rows_of).
PARCEL = "06-097-001-003"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def organiser(db):
    return StaffUserFactory(role="hearing_organiser")


@pytest.fixture
def draft(db, tmp_path):
    """A published parcels version whose parcels are in the registry."""
    version = version_make(tmp_path, rows_of(10))
    registry_import(version)
    return version


def particulars(**changes) -> Particulars:
    now = timezone.now()
    values = {
        "slug": "saulet-test",
        "title_kk": "«Сынақ» ЕЖЖ жобасын талқылау",
        "title_ru": "Обсуждение проекта ПДП «Тест»",
        "title_en": "Discussion of the Test draft",
        "territory_name": "Сынақ",
        "announced_on": timezone.localdate(now),
        "opens_at": now + datetime.timedelta(days=1),
        "closes_at": now + datetime.timedelta(days=30),
        "organiser_contacts": "akimat@example.kz, +7 7262 00 00 00",
    }
    values.update(changes)
    return Particulars(**values)


@pytest.fixture
def open_hearing(draft, organiser) -> Hearing:
    """A hearing announced 25 days ago, its meeting 4 days ago, open for 12 more days.

    Announcing refuses a date in the past, so the test puts the status straight.
    """
    now = timezone.now()
    announced = timezone.localdate(now) - datetime.timedelta(days=25)
    hearing = hearing_create(
        version=draft,
        particulars=particulars(
            announced_on=announced,
            opens_at=now - datetime.timedelta(days=5),
            closes_at=now + datetime.timedelta(days=12, hours=2),
        ),
        actor=organiser,
    )
    meeting_add(
        hearing=hearing,
        starts_at=now - datetime.timedelta(days=4),
        place="Школа № 5, актовый зал",
        location=(42.92, 71.40),
        online_link="https://example.kz/live",
        actor=organiser,
    )
    Hearing.objects.filter(pk=hearing.pk).update(status=Hearing.Status.OPEN)
    hearing.refresh_from_db()
    return hearing


def topic(slug: str = "roads") -> Topic:
    return Topic.objects.get(slug=slug)


def comment_make(hearing: Hearing, *, key: str = "", email: str = "ainur@example.kz", **kw):
    """A resident's comment through the service; (comment, created)."""
    values = {
        "hearing": hearing,
        "topic": topic(),
        "text": "Прошу расширить улицу у школы.",
        "author": Author(full_name="Айнур Сапарова", email=email, iin="791028302728"),
        "lives_inside": True,
        "place": Place(cadastral_number=PARCEL),
        "idempotency_key": key,
        "language": "ru",
    }
    values.update(kw)
    return comment_submit(**values)
