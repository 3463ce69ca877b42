"""The table of the "shared" cache (rate limits seen by every web process)."""

from django.core.management import call_command
from django.db import migrations


def cache_table_create(apps, schema_editor):
    # Makes the tables of the database caches the settings name (none under test settings).
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def cache_table_drop(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS rgis_shared_cache")


class Migration(migrations.Migration):
    dependencies = [("staff", "0005_appeals_roles")]

    operations = [migrations.RunPython(cache_table_create, cache_table_drop)]
