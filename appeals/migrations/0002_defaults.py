"""Defaults staff edit later: the departments and categories of the issue, and the holiday
calendar of 2025-2027 made by rule (fixed holidays, weekend ones moved to the next working
day). The Government's yearly decree on transfers and Kurban ait are entered by staff."""

from django.db import migrations

from appeals.calendar import days_off_by_rule

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
