"""Test data of the queues: valid IINs, parcels and registered applications."""

import datetime
import itertools

import factory
from django.apps import apps
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.utils import timezone

from queues.services.applications import application_register
from rgis.personal import iin_check_digit

# Counted from far above the small indices tests pass explicitly, so the two never meet.
_serials = itertools.count(100_000)


def iin_make(index: int | None = None) -> str:
    """A valid IIN, different for each index up to 700,000 (men born 1950 onwards)."""
    index = next(_serials) if index is None else index
    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=index // 50)
    # Each index owns 20 serials of its birth day; one of them has a check digit.
    first_serial = (index % 50) * 20
    for serial in range(first_serial, first_serial + 20):
        first_eleven = f"{born:%y%m%d}3{serial:04d}"
        check = iin_check_digit(first_eleven)
        if check is not None:
            return f"{first_eleven}{check}"
    raise AssertionError("no check digit in 20 serials")


def _geometry(index: int) -> MultiPolygon:
    west = 71.30 + (index % 500) * 0.0005
    south = 42.88 + (index // 500) * 0.0005
    square = Polygon.from_bbox((west, south, west + 0.0003, south + 0.0003))
    return MultiPolygon(square, srid=4326)


class ParcelFactory(factory.django.DjangoModelFactory):
    """A free parcel of Taraz for individual housing (the queue factory's settlement)."""

    class Meta:
        model = "parcels.Parcel"

    cadastral_number = factory.Sequence(lambda n: f"06-097-{n // 1000:03d}-{n % 1000:03d}")
    address_kk = factory.Sequence(lambda n: f"Сәулет ы/а, {n}-учаске")
    address_ru = factory.Sequence(lambda n: f"мкр Сәулет, участок {n}")
    area_ha = "0.1000"
    settlement = factory.LazyFunction(
        lambda: apps.get_model("parcels", "Settlement").objects.get_or_create(
            slug="taraz", defaults={"name_kk": "Тараз", "name_ru": "Тараз", "name_en": "Taraz"}
        )[0]
    )
    purpose = factory.LazyFunction(
        lambda: apps.get_model("parcels", "LandPurpose").objects.get(code="izhs")
    )
    geometry = factory.Sequence(_geometry)


def applications_register(queue, count: int, *, start: int = 0, email: bool = False, **kwargs):
    """`count` waiting applications, filed a day apart (the first is the oldest)."""
    now = timezone.now()
    return [
        application_register(
            queue=queue,
            full_name=f"Тестов Заявитель {start + index}",
            iin=iin_make(start + index + 1),
            email=f"person{start + index}@example.kz" if email else "",
            filed_at=now - datetime.timedelta(days=1000 - start - index),
            **kwargs,
        )
        for index in range(count)
    ]


def refuse_on_behalf(offer, officer, *, second=None):
    """The applicant's signed refusal recorded by `officer`, confirmed by a second officer."""
    from queues.services.refusals import offer_refusal_confirm, offer_refusal_request
    from tests.factories import StaffUserFactory

    offer_refusal_request(
        offer=offer,
        actor=officer,
        document_number="ОТК-17",
        document_date=timezone.localdate(),
        reason="the applicant refused in writing",
    )
    second = second or StaffUserFactory(role="queue_officer")
    return offer_refusal_confirm(offer=offer, actor=second)
