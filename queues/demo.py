"""Demo queue of Taraz for individual housing, written through the real services.

DEMO_APPLICANTS made-up applicants filed over eight years (valid but invented IINs, names
from a short list, some with an e-mail at example.kz), then a few removals and, for the
free demo parcels, offers to the head of the queue that are accepted: the ledger, the
positions and "why my place changed" then show something. Safe to run again: a queue that
already has applications is left alone.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from parcels.demo import demo_settlement_get
from parcels.models import LandPurpose, Parcel
from queues.models import Queue, RemovalReason
from queues.services.applications import application_register, application_verify
from queues.services.offers import offer_accept, offer_to_head
from queues.services.removals import application_remove
from rgis.personal import iin_invented

DEMO_APPLICANTS = 240
DEMO_ALLOCATIONS = 12
DEMO_REMOVALS = 6
SURNAMES = ["Ахметов", "Сейткали", "Жумабаев", "Нурланов", "Иванов", "Омаров", "Қасымов"]
GIVEN = ["Болат", "Айгерим", "Нурлан", "Дана", "Ерлан", "Сауле", "Тимур", "Әсем"]
PATRONYMIC = ["Тимурович", "Болатқызы", "Серикович", "Ерланқызы", "Маратович"]


def demo_queues_load() -> int:
    """The Taraz ИЖС queue with its demo applicants; returns how many were registered."""
    queue, _created = Queue.objects.get_or_create(
        slug="taraz-izhs",
        defaults={
            "settlement": demo_settlement_get(),
            "purpose": LandPurpose.objects.get(code="izhs"),
        },
    )
    if queue.applications.exists():
        return 0
    start = timezone.now() - datetime.timedelta(days=8 * 365)
    step = datetime.timedelta(days=8 * 365) / DEMO_APPLICANTS
    with transaction.atomic():
        registered = [
            application_register(
                queue=queue,
                full_name=" ".join(
                    (
                        SURNAMES[index % len(SURNAMES)],
                        GIVEN[index % len(GIVEN)],
                        PATRONYMIC[index % len(PATRONYMIC)],
                    )
                ),
                iin=iin_invented(index),
                email=f"applicant{index}@example.kz" if index % 4 == 0 else "",
                filed_at=start + step * index,
            )
            for index in range(DEMO_APPLICANTS)
        ]
        # Made by a migration; again here for a database emptied since (tests flush it).
        reason, _created = RemovalReason.objects.get_or_create(
            code="own-request",
            defaults={
                "name_kk": "Өз өтініші бойынша",
                "name_ru": "По собственному заявлению",
                "name_en": "At own request",
            },
        )
        for application in registered[40 : 40 + DEMO_REMOVALS]:
            application_remove(application=application, reason=reason, actor=None)
        free = Parcel.objects.filter(
            settlement=queue.settlement, purpose=queue.purpose, status=Parcel.Status.FREE
        ).order_by("cadastral_number")[:DEMO_ALLOCATIONS]
        for parcel in free:
            offer = offer_to_head(queue=queue, parcel=parcel, actor=None)
            application_verify(application=offer.application, actor=None)
            offer_accept(offer=offer, actor=None)
    return len(registered)
