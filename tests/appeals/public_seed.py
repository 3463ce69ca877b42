"""Test data for the public appeal pages: appeals filed through the real service, and
appeals built by hand at chosen moments (for the dashboard's known answer times)."""

import datetime
import io
import uuid

from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from appeals.forms.public import filing_key_new
from appeals.models import Appeal, AppealEvent, Category
from appeals.services.filing import Applicant, appeal_file
from geodata.models import District

TARAZ = (42.9, 71.37)
PERSON = Applicant(
    full_name="Сейткали Айгерим Болатқызы",
    iin="061211600012",
    email="aigerim.s@example.kz",
    phone="+7 701 123 4567",
    postal_address="Тараз, Сүлейменов көшесі, 7, пәтер 12",
)


def jpeg(colour=(30, 120, 30), name="photo.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def category(slug: str = "lighting") -> Category:
    return Category.objects.select_related("department").get(slug=slug)


def appeal_filed(
    *,
    slug: str = "lighting",
    lat: float = TARAZ[0],
    lon: float = TARAZ[1],
    applicant: Applicant = PERSON,
    description: str = "Не горит фонарь у дома 12",
    **kwargs,
) -> Appeal:
    """An appeal filed through the real service."""
    appeal, _created = appeal_file(
        category=category(slug),
        lat=lat,
        lon=lon,
        description=description,
        applicant=applicant,
        **kwargs,
    )
    return appeal


_serial = iter(range(900_000, 999_999))


def appeal_built(
    *,
    slug: str = "lighting",
    received: datetime.datetime,
    deadline: datetime.date,
    answered: datetime.datetime | None = None,
    status: str | None = None,
    extended_until: datetime.date | None = None,
) -> Appeal:
    """An appeal written directly with the moments a scenario needs (the services stamp
    everything "now")."""
    chosen = category(slug)
    appeal = Appeal.objects.create(
        number=f"{received.year}-{next(_serial):06d}",
        category=chosen,
        department=chosen.department,
        location=Point(TARAZ[1], TARAZ[0], srid=4326),
        description="Яма на дороге у остановки",
        status=status or (Appeal.Status.ANSWERED if answered else Appeal.Status.REGISTERED),
        received_at=received,
        registered_on=timezone.localtime(received).date(),
        deadline=deadline,
        extended_until=extended_until,
        answered_at=answered,
        answer="Яма заделана" if answered else "",
        applicant_name="Тестов Тест",
        idempotency_key=f"web:{uuid.uuid4()}",
    )
    AppealEvent.objects.create(appeal=appeal, at=received, status_after="registered")
    return appeal


def local(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def district_make(slug: str, name_ru: str, west: float, south: float) -> District:
    box = Polygon.from_bbox((west, south, west + 0.05, south + 0.05))
    return District.objects.create(
        slug=slug,
        name_kk=name_ru,
        name_ru=name_ru,
        name_en=slug,
        geometry=MultiPolygon(box, srid=4326),
    )


def filing_data(**overrides) -> dict:
    """What the filing page posts, for a named filer with a pin in Taraz."""
    data = {
        "category": "lighting",
        "lat": "42.9",
        "lon": "71.37",
        "address": "",
        "description": "Не горит фонарь у дома 12 уже неделю",
        "full_name": PERSON.full_name,
        "iin": PERSON.iin,
        "email": PERSON.email,
        "phone": PERSON.phone,
        "postal_address": PERSON.postal_address,
        "idempotency_key": filing_key_new(),
        "website": "",
        "nearby_shown": "",
    }
    data.update(overrides)
    return data
