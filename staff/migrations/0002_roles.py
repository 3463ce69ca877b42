"""Create the staff roles as groups, with their capabilities and admin permissions."""

from django.db import migrations

from staff.roles import ROLE_CAPABILITIES, ROLE_MODEL_PERMISSIONS


def roles_create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Capability = apps.get_model("staff", "Capability")

    # Permissions are normally created after migrate; roles need them now.
    capability_type, _ = ContentType.objects.get_or_create(app_label="staff", model="capability")
    titles = dict(Capability._meta.permissions)
    for role, codenames in ROLE_CAPABILITIES.items():
        group, _ = Group.objects.get_or_create(name=role)
        for codename in codenames:
            permission, _ = Permission.objects.get_or_create(
                content_type=capability_type,
                codename=codename,
                defaults={"name": str(titles[codename])[:255]},
            )
            group.permissions.add(permission)
    for role, pairs in ROLE_MODEL_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        for app_label, codename in pairs:
            action, model = codename.split("_", 1)
            content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=codename,
                defaults={"name": f"Can {action} {model}"},
            )
            group.permissions.add(permission)


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
