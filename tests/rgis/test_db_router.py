import pytest
from django.contrib.sessions.models import Session
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from geodata.models import District
from rgis.db_routers import ReplicaRouter
from staff.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_replica(settings):
    replica = dict(settings.DATABASES["default"], TEST={"MIRROR": "default"})
    settings.DATABASES = {**settings.DATABASES, "replica1": replica}


def test_without_replicas_everything_uses_the_primary():
    router = ReplicaRouter()
    assert router.db_for_read(District) == "default"
    assert router.db_for_write(District) == "default"


def test_reads_inside_a_transaction_stay_on_the_primary(with_replica):
    with transaction.atomic():
        assert ReplicaRouter().db_for_read(District) == "default"


@pytest.mark.parametrize("model", [Session, DBTaskResult, AuditEntry])
def test_sessions_jobs_and_audit_are_always_read_from_the_primary(with_replica, model):
    assert ReplicaRouter().db_for_read(model) == "default"


def test_migrations_run_only_on_the_primary(with_replica):
    router = ReplicaRouter()
    assert router.allow_migrate("default", "geodata")
    assert not router.allow_migrate("replica1", "geodata")
