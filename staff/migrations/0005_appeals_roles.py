"""Give appeals operators (and administrators) the admin permissions on the working-day
calendar, the departments and the categories of appeals."""

from django.db import migrations

from staff.roles import roles_sync


def roles_update(apps, schema_editor):
    roles_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0004_roles_for_plans"),
        ("appeals", "0004_followers_and_partners"),
    ]

    operations = [migrations.RunPython(roles_update, migrations.RunPython.noop)]
