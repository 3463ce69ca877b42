import pytest

from queues.models import RemovalReason
from tests.factories import QueueFactory


@pytest.fixture
def queue(db):
    return QueueFactory()


@pytest.fixture
def removal_reason(db):
    return RemovalReason.objects.get(code="own-request")
