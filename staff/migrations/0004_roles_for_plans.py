"""Give planners and administrators the admin permissions on plans, layers and versions."""

from django.db import migrations

from staff.roles import roles_sync


def roles_update(apps, schema_editor):
    roles_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0003_audit_append_only"),
        ("geodata", "0003_plans_layers_versions"),
    ]

    operations = [migrations.RunPython(roles_update, migrations.RunPython.noop)]
