"""Test data for the residents' pages.

Two kinds:
- `ledger_*` helpers build a history by hand, at chosen moments: an application row and its
  ledger entries written directly, with the same details the services write
  ("status"/"status_after", "filed_at"/"filed_at_after", "reason"), so a scenario can put
  events on either side of a "since" date (the services stamp everything "now");
- `seed_public_queues` runs the officers' real services (register, verify, offer, accept,
  refuse, remove) over several queues with contacts, for the page and privacy tests.
"""

import datetime
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.utils import timezone

from parcels.models import Parcel
from queues.ledger import LedgerEvent, timestamp_text
from queues.models import Application, LedgerEntry, Queue, RemovalReason
from queues.services.applications import application_register, application_verify
from queues.services.ledger import ledger_append_many
from queues.services.offers import offer_accept, offer_to_head
from queues.services.removals import application_remove
from rgis.personal import iin_digest, personal_encrypt
from tests.factories import QueueFactory, SettlementFactory, StaffUserFactory
from tests.queues.factories import ParcelFactory, iin_make, refuse_on_behalf


def ledger_register(
    queue: Queue, *, number: str, filed_at: datetime.datetime, at: datetime.datetime
) -> Application:
    """A waiting application whose registration the ledger recorded at `at`."""
    iin = iin_make()
    application = Application.objects.create(
        queue=queue,
        purpose_id=queue.purpose_id,
        number=number,
        filed_at=filed_at,
        status=Application.Status.WAITING,
        status_changed_at=at,
        full_name=f"Тестов {number}",
        iin_encrypted=personal_encrypt(iin),
        iin_digest=iin_digest(iin),
    )
    ledger_append_many(
        queue=queue,
        events=[
            LedgerEvent(
                LedgerEntry.Event.REGISTERED,
                application.number,
                application.iin_digest,
                {"filed_at": timestamp_text(filed_at), "status": "waiting"},
            )
        ],
        at=at,
    )
    return application


def ledger_status(
    application: Application,
    status: str,
    *,
    at: datetime.datetime,
    event: str,
    reason: str = "",
) -> None:
    """Move an application to `status` at `at`, in the table and in the ledger."""
    application.refresh_from_db()
    values: dict = {"status": status, "status_changed_at": at, "removal_reason": None}
    if status == Application.Status.REMOVED:
        values["removal_reason"] = RemovalReason.objects.get(code=reason)
    if status == Application.Status.ALLOCATED:
        values["parcel"] = ParcelFactory(status=Parcel.Status.ALLOCATED)
    details = {"status_before": application.status, "status_after": status}
    if reason:
        details["reason"] = reason
    Application.objects.filter(pk=application.pk).update(**values)
    ledger_append_many(
        queue=application.queue,
        events=[LedgerEvent(event, application.number, application.iin_digest, details)],
        at=at,
    )


def ledger_correct_filed(
    application: Application, filed_at: datetime.datetime, *, at: datetime.datetime
) -> None:
    """A corrected filing time, recorded at `at` as application_correct records it."""
    application.refresh_from_db()
    Application.objects.filter(pk=application.pk).update(filed_at=filed_at)
    ledger_append_many(
        queue=application.queue,
        events=[
            LedgerEvent(
                LedgerEntry.Event.CORRECTED,
                application.number,
                application.iin_digest,
                {
                    "fields": ["filed_at"],
                    "status": application.status,
                    "filed_at_before": timestamp_text(application.filed_at),
                    "filed_at_after": timestamp_text(filed_at),
                },
            )
        ],
        at=at,
    )


@dataclass
class Person:
    full_name: str
    iin: str
    email: str
    phone: str


# Names no page could contain by chance, so a hit in the scan is a leak.
PEOPLE = [
    Person(
        "Жанкелдиев Нуржан Сапарбекович", "791028302728", "nurzhan.z@example.kz", "+7 701 555 0101"
    ),
    Person(
        "Оразбекова Гульнафиса Ермековна",
        "061211600012",
        "gulnafisa@example.kz",
        "8 (702) 555-01-02",
    ),
    Person("Тлеубердин Асылхан Муратович", iin_make(7001), "asylkhan@example.kz", "+77055550103"),
    Person(
        "Кенжебаева Айжаркын Болатовна", iin_make(7002), "aizharkyn@example.kz", "+7 707 555 0104"
    ),
    Person(
        "Сыздыкбеков Ербулан Кайратович", iin_make(7003), "erbulan@example.kz", "+7 708 555 0105"
    ),
    Person("Мукашева Динара Серикбаевна", iin_make(7004), "dinara.m@example.kz", "+7 747 555 0106"),
    Person(
        "Абдрахманов Талгатбек Нурланович",
        iin_make(7005),
        "talgatbek@example.kz",
        "+7 771 555 0107",
    ),
    Person(
        "Шаймерденова Акмарал Ерлановна", iin_make(7006), "akmaral@example.kz", "+7 775 555 0108"
    ),
]


@dataclass
class Seed:
    queues: list[Queue]
    people: list[Person]
    applications: list[Application]
    parcels: list[Parcel] = field(default_factory=list)

    def refresh(self) -> None:
        for application in self.applications:
            application.refresh_from_db()
        for parcel in self.parcels:
            parcel.refresh_from_db()


def seed_public_queues() -> Seed:
    """Two queues of Taraz and people in every status, through the officers' services.

    ИЖС: eight people filed 800..100 days ago. The first two got plots, the third is being
    offered one now, the fourth refused an offer (waits again), the fifth was removed at
    own request; the rest wait (the last one is the resident of the browser test).
    Gardening: one of the same people also waits there (the IIN look-up finds both).
    """
    # A transactional test (the browser's) empties the tables a migration filled.
    import_module("queues.migrations.0002_database_rules").removal_reasons_add(apps, None)
    officer = StaffUserFactory(role="queue_officer")
    izhs = QueueFactory()
    purpose = apps.get_model("parcels", "LandPurpose").objects.get_or_create(
        code="gardening",
        defaults={"name_kk": "Бағбандық", "name_ru": "Садоводство", "name_en": "Gardening"},
    )[0]
    garden = QueueFactory(slug="taraz-garden", settlement=SettlementFactory(), purpose=purpose)
    now = timezone.now()
    applications = [
        application_register(
            queue=izhs,
            full_name=person.full_name,
            iin=person.iin,
            email=person.email,
            phone=person.phone,
            filed_at=now - datetime.timedelta(days=800 - 100 * index),
        )
        for index, person in enumerate(PEOPLE)
    ]
    applications.append(
        application_register(
            queue=garden,
            full_name=PEOPLE[6].full_name,
            iin=PEOPLE[6].iin,
            email=PEOPLE[6].email,
            phone=PEOPLE[6].phone,
            filed_at=now - datetime.timedelta(days=50),
        )
    )
    for application in applications[:3]:
        application_verify(application=application, actor=officer)
    parcels = [ParcelFactory() for _ in range(4)]
    for parcel in parcels[:2]:
        offer_accept(offer=offer_to_head(queue=izhs, parcel=parcel, actor=officer), actor=officer)
    # The third is offered a plot now; the fourth refused one (the parcel passed to the
    # fifth, who refused too, and on to the sixth... keep it short: remove the fifth first).
    application_remove(application=applications[4], reason="own-request", actor=officer)
    offer_to_head(queue=izhs, parcel=parcels[2], actor=officer)
    refused = offer_to_head(queue=izhs, parcel=parcels[3], actor=officer)
    assert refused.application_id == applications[3].pk
    refuse_on_behalf(refused, officer)  # passes parcels[3] on to the sixth
    seed = Seed(queues=[izhs, garden], people=PEOPLE, applications=applications, parcels=parcels)
    seed.refresh()
    return seed
