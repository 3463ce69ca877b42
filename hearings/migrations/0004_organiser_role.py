"""The hearing organiser's role (group) and capability, given to administrators too.

Kept in the hearings app (not staff/migrations) so that it depends on the staff app's
latest migration without clashing with a staff migration written at the same time.
"""

from django.db import migrations

from staff.roles import roles_sync


def roles_update(apps, schema_editor):
    # The capability's title, before roles_sync creates the permission by its code.
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    capability_type, _ = content_type_model.objects.get_or_create(
        app_label="staff", model="capability"
    )
    permission_model.objects.get_or_create(
        content_type=capability_type,
        codename="organise_hearings",
        defaults={"name": "Organise public hearings on plans"},
    )
    roles_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("hearings", "0003_topics"),
        ("staff", "0007_audit_no_truncate"),
    ]

    operations = [migrations.RunPython(roles_update, migrations.RunPython.noop)]
