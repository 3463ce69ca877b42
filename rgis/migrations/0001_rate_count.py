"""The flood-control counts (rgis.ratelimit), in a table of their own.

They were kept in the "shared" database cache (staff migration 0006), whose culling past
300 entries deleted running counts under load; that cache's table goes.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("staff", "0006_shared_cache")]

    operations = [
        migrations.CreateModel(
            name="RateCount",
            fields=[
                ("key", models.CharField(max_length=200, primary_key=True, serialize=False)),
                ("count", models.PositiveIntegerField()),
                ("expires_at", models.DateTimeField(db_index=True)),
            ],
            options={"db_table": "rgis_rate_count"},
        ),
        migrations.RunSQL("DROP TABLE IF EXISTS rgis_shared_cache", migrations.RunSQL.noop),
    ]
