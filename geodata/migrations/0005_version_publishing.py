"""A publish step between import and the public (issue 12).

Versions imported before it were public at once: they count as published when they were
uploaded, with every attribute public. Planners no longer publish; plan publishers (a new
role) and administrators do.
"""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from staff.roles import roles_sync


def versions_published_as_before(apps, schema_editor):
    version_model = apps.get_model("geodata", "LayerVersion")
    for version in version_model.objects.all().only("pk", "uploaded_at", "report"):
        version.published_at = version.uploaded_at
        version.public_fields = [str(name) for name in (version.report or {}).get("fields", [])]
        version.save(update_fields=["published_at", "public_fields"])


def publishing_roles(apps, schema_editor):
    roles_sync(apps)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    publish = permission_model.objects.filter(
        content_type__app_label="staff", codename="publish_plans"
    )
    for planner in group_model.objects.filter(name="planner"):
        planner.permissions.remove(*publish)


def planners_publish_again(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    publish = permission_model.objects.filter(
        content_type__app_label="staff", codename="publish_plans"
    )
    for planner in group_model.objects.filter(name="planner"):
        planner.permissions.add(*publish)


class Migration(migrations.Migration):
    dependencies = [
        ("geodata", "0004_tiles_and_lookups"),
        ("staff", "0006_shared_cache"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="layerversion",
            name="hidden_fields",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.TextField(),
                default=list,
                size=None,
                verbose_name="attributes kept from the public",
            ),
        ),
        migrations.AddField(
            model_name="layerversion",
            name="public_fields",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.TextField(),
                blank=True,
                default=list,
                size=None,
                verbose_name="public attributes",
            ),
        ),
        migrations.AddField(
            model_name="layerversion",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="published"),
        ),
        migrations.AddField(
            model_name="layerversion",
            name="published_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="published by",
            ),
        ),
        migrations.RunPython(versions_published_as_before, migrations.RunPython.noop),
        migrations.RunPython(publishing_roles, planners_publish_again),
        migrations.AddConstraint(
            model_name="layerversion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("is_current", False), ("published_at__isnull", False), _connector="OR"
                ),
                name="current_version_is_published",
            ),
        ),
    ]
