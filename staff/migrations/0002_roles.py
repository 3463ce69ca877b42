"""Create the staff roles as groups, with their capabilities and admin permissions."""

from django.db import migrations

from staff.roles import ROLE_CAPABILITIES, roles_sync


def roles_create(apps, schema_editor):
    roles_sync(apps)


def roles_remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_CAPABILITIES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_initial"),
        ("geodata", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(roles_create, roles_remove)]
