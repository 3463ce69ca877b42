"""The comment topics a new portal starts with (staff change the list in the admin)."""

from hearings.models import Topic

# (code, Kazakh, Russian, English, colour on the map, order). Migration 0003 seeded the
# same list when the app was installed; this copy restores it where it is missing (a demo
# on a database whose reference rows were emptied, as transactional tests do).
DEFAULT_TOPICS = (
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
)


def topics_default_ensure() -> int:
    """Create the default topics that are missing (existing ones are kept as staff left
    them); the number created."""
    created_count = 0
    for slug, name_kk, name_ru, name_en, colour, position in DEFAULT_TOPICS:
        _topic, created = Topic.objects.get_or_create(
            slug=slug,
            defaults={
                "name_kk": name_kk,
                "name_ru": name_ru,
                "name_en": name_en,
                "colour": colour,
                "position": position,
            },
        )
        created_count += created
    return created_count
