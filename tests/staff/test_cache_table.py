import pytest
from django.conf import settings
from django.db import connection

from rgis.settings import base

pytestmark = pytest.mark.django_db


def test_the_migrations_leave_no_shared_cache_table():
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('rgis_shared_cache')")
        assert cursor.fetchone() == (None,)


@pytest.mark.parametrize("caches", [base.CACHES, settings.CACHES], ids=["base", "test"])
def test_no_cache_of_the_settings_keeps_its_entries_in_a_database_table(caches):
    # staff migration 0006 runs `createcachetable`: it makes a table for any such cache.
    backends = {alias: cache["BACKEND"] for alias, cache in caches.items()}
    assert not [alias for alias, backend in backends.items() if backend.endswith("DatabaseCache")]
