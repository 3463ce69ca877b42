"""Defaults staff edit later: the departments and categories of the issue, and the holiday
calendar of 2025-2027 made by rule (fixed holidays, weekend ones moved to the next working
day). The Government's yearly decree on transfers and Kurban ait are entered by staff.

The rule is written out here as it stood when this migration was made (appeals.calendar
now takes the law from the `holidays` package): a migration writes the same rows whatever
the code around it becomes.
"""

import datetime

from django.db import migrations

DEPARTMENTS = [
    ("housing", "Тұрғын үй-коммуналдық шаруашылық бөлімі", "Отдел ЖКХ", "Housing and utilities"),
    (
        "roads",
        "Жолаушылар көлігі және автомобиль жолдары бөлімі",
        "Отдел пассажирского транспорта и автомобильных дорог",
        "Transport and roads",
    ),
    (
        "environment",
        "Табиғи ресурстар және табиғат пайдалануды реттеу бөлімі",
        "Отдел природных ресурсов и регулирования природопользования",
        "Environment",
    ),
    ("veterinary", "Ветеринария бөлімі", "Отдел ветеринарии", "Veterinary service"),
    ("office", "Әкім аппараты", "Аппарат акима", "Akim's office"),
]

CATEGORIES = [
    # slug, kk, ru, en, department, anonymous allowed
    ("lighting", "Көше жарығы", "Уличное освещение", "Street lighting", "housing", False),
    ("roads", "Жолдар", "Дороги", "Roads", "roads", False),
    ("transport", "Қоғамдық көлік", "Общественный транспорт", "Public transport", "roads", False),
    ("animals", "Иесіз жануарлар", "Безнадзорные животные", "Stray animals", "veterinary", False),
    ("waste", "Қоқыс", "Мусор", "Waste", "environment", False),
    ("water", "Су", "Вода", "Water", "housing", False),
    ("greenery", "Көгалдандыру", "Озеленение", "Greenery", "environment", False),
    (
        "safety",
        "Қоғамдық қауіпсіздікке қатер",
        "Угроза общественной безопасности",
        "Threat to public safety",
        "office",
        True,
    ),
    ("other", "Басқа", "Другое", "Other", "office", False),
]


# The fixed-date public holidays of Kazakhstan (Law on holidays, as amended in 2022).
FIXED_HOLIDAYS = [
    (1, 1, "New Year"),
    (1, 2, "New Year"),
    (1, 7, "Orthodox Christmas"),
    (3, 8, "International Women's Day"),
    (3, 21, "Nauryz"),
    (3, 22, "Nauryz"),
    (3, 23, "Nauryz"),
    (5, 1, "Unity Day of the people of Kazakhstan"),
    (5, 7, "Defender of the Fatherland Day"),
    (5, 9, "Victory Day"),
    (7, 6, "Capital Day"),
    (8, 30, "Constitution Day"),
    (10, 25, "Republic Day"),
    (12, 16, "Independence Day"),
]
# Religious holidays are not moved when they fall on a weekend (Labour Code art. 85).
NOT_MOVED = frozenset({"Orthodox Christmas"})


def days_off_by_rule(year):
    """The year's fixed holidays plus the weekdays they move to when on a weekend."""
    holidays = [(datetime.date(year, month, day), name) for month, day, name in FIXED_HOLIDAYS]
    taken = {day for day, _name in holidays}
    days = list(holidays)
    for day, name in holidays:
        if day.weekday() < 5 or name in NOT_MOVED:
            continue
        moved = day + datetime.timedelta(days=1)
        while moved.weekday() >= 5 or moved in taken:
            moved += datetime.timedelta(days=1)
        taken.add(moved)
        days.append((moved, f"{name} (moved from {day:%d.%m})"))
    return sorted(days)


def defaults_add(apps, schema_editor):
    Department = apps.get_model("appeals", "Department")
    Category = apps.get_model("appeals", "Category")
    CalendarDay = apps.get_model("appeals", "CalendarDay")
    departments = {}
    for slug, kk, ru, en in DEPARTMENTS:
        departments[slug], _ = Department.objects.get_or_create(
            slug=slug, defaults={"name_kk": kk, "name_ru": ru, "name_en": en}
        )
    for position, (slug, kk, ru, en, department, anonymous) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name_kk": kk, "name_ru": ru, "name_en": en,
                "department": departments[department],
                "allows_anonymous": anonymous, "position": position * 10,
            },
        )  # fmt: skip
    for year in (2025, 2026, 2027):
        for day, name in days_off_by_rule(year):
            CalendarDay.objects.get_or_create(day=day, defaults={"kind": "day_off", "note": name})


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]

    operations = [migrations.RunPython(defaults_add, migrations.RunPython.noop)]
