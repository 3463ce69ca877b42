"""The table of the "shared" database cache goes for good (migration 0006 made it).

Nothing uses it: the rate limits it held moved to their own table (rgis_rate_count, rgis
migration 0001, which already drops it where it was made), and no cache in the settings
is a database cache, so 0006 makes nothing on a new database. It is dropped here too, in
the app whose migration made it, for any database where it survived. Reversing makes it
again as `createcachetable` made it for Django's DatabaseCache.
"""

from django.db import migrations

CACHE_TABLE_DROP = "DROP TABLE IF EXISTS rgis_shared_cache"

CACHE_TABLE_CREATE = """
CREATE TABLE IF NOT EXISTS rgis_shared_cache (
    cache_key varchar(255) NOT NULL PRIMARY KEY,
    value text NOT NULL,
    expires timestamp with time zone NOT NULL
);
CREATE INDEX IF NOT EXISTS rgis_shared_cache_expires ON rgis_shared_cache (expires);
"""


class Migration(migrations.Migration):
    dependencies = [("staff", "0007_audit_no_truncate")]

    operations = [migrations.RunSQL(CACHE_TABLE_DROP, CACHE_TABLE_CREATE)]
