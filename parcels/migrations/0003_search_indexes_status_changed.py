"""Search indexes (cadastral-number prefix, address trigrams), when a status last changed,
and the admin permissions planners need to keep settlements, purposes and parcels."""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

# Planners (capability manage_parcels) and administrators edit these in the admin; a parcel's
# status is not among them: it changes only through parcel_status_set (queues, audited).
ADMIN_PERMISSIONS = {
    "planner": (
        ("settlement", ("view", "add", "change")),
        ("landpurpose", ("view", "add", "change")),
        ("parcel", ("view", "add", "change")),
    ),
    "administrator": (
        ("settlement", ("view", "add", "change")),
        ("landpurpose", ("view", "add", "change")),
        ("parcel", ("view", "add", "change")),
    ),
}


def permissions_grant(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    content_type_model = apps.get_model("contenttypes", "ContentType")
    for role, models_actions in ADMIN_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=role)
        for model, actions in models_actions:
            content_type, _created = content_type_model.objects.get_or_create(
                app_label="parcels", model=model
            )
            for action in actions:
                # Permissions are normally created after migrate; the role needs them now.
                permission, _created = permission_model.objects.get_or_create(
                    content_type=content_type,
                    codename=f"{action}_{model}",
                    defaults={"name": f"Can {action} {model}"},
                )
                group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("geodata", "0004_tiles_and_lookups"),
        ("parcels", "0002_land_purposes"),
        ("staff", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="parcel",
            name="status_changed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="status changed"),
        ),
        migrations.AddIndex(
            model_name="parcel",
            index=models.Index(
                fields=["cadastral_number"],
                name="parcel_number_prefix_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
        # Django writes "((UPPER(col) gin_trgm_ops))" for this index, which PostgreSQL
        # refuses; the same index in plain SQL, the model state as Django expects it.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'CREATE INDEX "parcel_address_kk_trgm" ON "parcels_parcel" '
                    'USING gin ((UPPER("address_kk"::text)) gin_trgm_ops)',
                    'DROP INDEX "parcel_address_kk_trgm"',
                )
            ],
            state_operations=[
                migrations.AddIndex(
                    model_name="parcel",
                    index=django.contrib.postgres.indexes.GinIndex(
                        django.contrib.postgres.indexes.OpClass(
                            django.db.models.functions.text.Upper("address_kk"),
                            name="gin_trgm_ops",
                        ),
                        name="parcel_address_kk_trgm",
                    ),
                )
            ],
        ),
        # Django writes "((UPPER(col) gin_trgm_ops))" for this index, which PostgreSQL
        # refuses; the same index in plain SQL, the model state as Django expects it.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'CREATE INDEX "parcel_address_ru_trgm" ON "parcels_parcel" '
                    'USING gin ((UPPER("address_ru"::text)) gin_trgm_ops)',
                    'DROP INDEX "parcel_address_ru_trgm"',
                )
            ],
            state_operations=[
                migrations.AddIndex(
                    model_name="parcel",
                    index=django.contrib.postgres.indexes.GinIndex(
                        django.contrib.postgres.indexes.OpClass(
                            django.db.models.functions.text.Upper("address_ru"),
                            name="gin_trgm_ops",
                        ),
                        name="parcel_address_ru_trgm",
                    ),
                )
            ],
        ),
        migrations.AddIndex(
            model_name="parcel",
            index=models.Index(fields=["updated_at"], name="parcel_updated_idx"),
        ),
        migrations.RunPython(permissions_grant, migrations.RunPython.noop),
    ]
