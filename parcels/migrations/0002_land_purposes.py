"""The target purposes met in practice (DOMAIN); staff may add more in the admin."""

from decimal import Decimal

from django.db import migrations

PURPOSES = [
    # Land Code art. 50: 0.10 ha for individual housing, 0.12 ha for gardening and dachas.
    (
        "izhs",
        "Жеке тұрғын үй құрылысы (ЖТҮҚ)",
        "Индивидуальное жилищное строительство (ИЖС)",
        "Individual housing (IZhS)",
        Decimal("0.10"),
    ),
    (
        "lph",
        "Жеке қосалқы шаруашылық (ЖҚШ)",
        "Личное подсобное хозяйство (ЛПХ)",
        "Personal subsidiary farming (LPKh)",
        None,  # no standard area found; staff set it
    ),
    ("gardening", "Бағбандық", "Садоводство", "Gardening", Decimal("0.12")),
    ("dacha", "Саяжай құрылысы", "Дачное строительство", "Dacha building", Decimal("0.12")),
]


def purposes_add(apps, schema_editor):
    LandPurpose = apps.get_model("parcels", "LandPurpose")
    for code, kk, ru, en, area in PURPOSES:
        LandPurpose.objects.get_or_create(
            code=code,
            defaults={"name_kk": kk, "name_ru": ru, "name_en": en, "standard_area_ha": area},
        )


class Migration(migrations.Migration):
    dependencies = [("parcels", "0001_initial")]

    operations = [migrations.RunPython(purposes_add, migrations.RunPython.noop)]
