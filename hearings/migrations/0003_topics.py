"""The first list of comment topics (staff can change it in the admin)."""

from django.db import migrations

TOPICS = [
    ("housing", "Тұрғын үй", "Жильё", "Housing", "#e67e22", 10),
    ("roads", "Жолдар мен көшелер", "Дороги и улицы", "Roads and streets", "#7f8c8d", 20),
    ("green-space", "Жасыл аймақтар", "Зелёные зоны", "Green space", "#27ae60", 30),
    (
        "schools",
        "Мектептер мен балабақшалар",
        "Школы и детские сады",
        "Schools and kindergartens",
        "#2980b9",
        40,
    ),
    ("transport", "Қоғамдық көлік", "Общественный транспорт", "Public transport", "#8e44ad", 50),
    ("other", "Басқа", "Другое", "Other", "#555555", 90),
]


def topics_seed(apps, schema_editor):
    topic_model = apps.get_model("hearings", "Topic")
    for slug, name_kk, name_ru, name_en, colour, position in TOPICS:
        topic_model.objects.get_or_create(
            slug=slug,
            defaults={
                "name_kk": name_kk,
                "name_ru": name_ru,
                "name_en": name_en,
                "colour": colour,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("hearings", "0002_schedule_triggers")]

    operations = [migrations.RunPython(topics_seed, migrations.RunPython.noop)]
