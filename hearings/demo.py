"""The demo hearing: the Сәулет ПДП out for public discussion, with invented comments.

Everything goes through the services, as an organiser and residents would do it: the
hearing is announced today, opened at once, its meeting 21 days on; thirty comments, a
third of them answered. Running it again adds nothing (the comments' keys are fixed).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from geodata.models import LayerVersion
from hearings.models import Comment, Hearing, Topic
from hearings.services.answers import comment_answer
from hearings.services.comments import Author, Place, comment_submit
from hearings.services.schedule import (
    Particulars,
    hearing_announce,
    hearing_create,
    hearing_open,
    meeting_add,
)
from hearings.services.topics import topics_default_ensure
from parcels.models import Parcel

SLUG = "saulet-pdp"
TEXTS = [
    ("green-space", "Сквер у школы № 12 нужно сохранить, а не застраивать."),
    ("roads", "Көшені кеңейткенде тротуарды ұмытпаңыздар."),
    ("schools", "Жаңа шағын ауданға мектеп жетіспейді, балалар алысқа барады."),
    ("transport", "Нужна остановка автобуса у нового квартала."),
    ("housing", "Көп қабатты үйлер биіктігі 9 қабаттан аспаса екен."),
    ("other", "Прошу предусмотреть площадку для сбора раздельного мусора."),
]
VERDICTS = ["accepted", "partly", "not_accepted", "out_of_scope"]


def _parcel_numbers(version: LayerVersion) -> list[str]:
    return list(
        Parcel.objects.filter(source_version=version)
        .order_by("cadastral_number")
        .values_list("cadastral_number", flat=True)[:40]
    )


def _hearing_get_or_create(version: LayerVersion) -> Hearing:
    existing = Hearing.objects.filter(slug=SLUG).first()
    if existing is not None:
        return existing
    now = timezone.now()
    today = timezone.localdate(now)
    hearing = hearing_create(
        version=version,
        particulars=Particulars(
            slug=SLUG,
            title_kk="«Сәулет» шағын ауданының ЕЖЖ жобасын көпшілік талқылау (демо)",
            title_ru="Публичное обсуждение проекта ПДП микрорайона «Сәулет» (демо)",
            title_en="Public hearing on the Saulet detailed plan (demo)",
            territory_name="Сәулет",
            announced_on=today,
            opens_at=now - datetime.timedelta(minutes=1),
            closes_at=now + datetime.timedelta(days=30),
            organiser_contacts="saulet.pdp@example.kz, +7 7262 00 00 00",
        ),
        actor=None,
    )
    meeting_add(
        hearing=hearing,
        starts_at=timezone.make_aware(
            datetime.datetime.combine(today + datetime.timedelta(days=21), datetime.time(18))
        ),
        place="Тараз, № 12 мектеп, мәжіліс залы / школа № 12, актовый зал",
        location=(42.92, 71.41),
        online_link="https://example.kz/saulet-live",
        actor=None,
    )
    hearing = hearing_announce(hearing=hearing, actor=None)
    return hearing_open(hearing=hearing, actor=None)


@transaction.atomic
def demo_hearing_load() -> int:
    """The Сәулет hearing and its comments; how many comments were new."""
    version = LayerVersion.objects.filter(
        layer__plan__slug="saulet-pdp", layer__slug="parcels", is_current=True
    ).first()
    if version is None:
        return 0
    hearing = _hearing_get_or_create(version)
    if hearing.status != Hearing.Status.OPEN:
        return 0
    topics_default_ensure()
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    numbers = _parcel_numbers(version)
    created_count = 0
    for index in range(30):
        slug, text = TEXTS[index % len(TEXTS)]
        if index % 3 == 0 and numbers:
            place = Place(cadastral_number=numbers[index % len(numbers)])
        elif index % 3 == 1:
            place = Place(lat=42.915 + index * 0.0004, lon=71.405 + (index % 5) * 0.0008)
        else:
            place = Place(address=f"Тараз, Сәулет ш/а, {index + 1}")
        comment, created = comment_submit(
            hearing=hearing,
            topic=topics[slug],
            text=f"{text} (#{index + 1})",
            author=Author(
                full_name=f"Тұрғын Демо {index + 1}", email=f"resident{index}@example.kz"
            ),
            lives_inside=index % 4 != 0,
            place=place,
            language="kk" if index % 2 else "ru",
            idempotency_key=f"demo-{index}",
        )
        created_count += created
        if created and index % 3 == 0:
            comment_answer(
                comment=comment,
                verdict=VERDICTS[index % len(VERDICTS)],
                reason_kk="Ұсыныс жобаны пысықтау кезінде қаралды.",
                reason_ru="Предложение рассмотрено при доработке проекта.",
                actor=None,
            )
    return created_count


def demo_comment_count() -> int:
    return Comment.objects.filter(hearing__slug=SLUG).count()
