"""Outside any transaction (no database fixture: the router only looks at the settings and
whether the primary connection is inside an atomic block)."""

from django.conf import settings
from django.test import override_settings

from geodata.models import District
from rgis.db_routers import ReplicaRouter


def test_portal_data_is_read_from_a_replica():
    replica = dict(settings.DATABASES["default"], TEST={"MIRROR": "default"})
    with override_settings(DATABASES={**settings.DATABASES, "replica1": replica}):
        assert ReplicaRouter().db_for_read(District) == "replica1"
