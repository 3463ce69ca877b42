"""HTTP Basic credentials are read only by API endpoints that need a capability."""

import base64

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rgis.models import RateCount
from staff.models import AuditEntry
from tests.conftest import PASSWORD
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}", "HTTP_ACCEPT_LANGUAGE": "en"}


def test_a_public_endpoint_ignores_a_bogus_basic_header(client):
    StaffUserFactory(username="admin")
    url = "/api/queues/applications/NO-SUCH-1"
    with CaptureQueriesContext(connection) as plain:
        without = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    with CaptureQueriesContext(connection) as bogus:
        answered = client.get(url, **basic("admin", "x"))
    # The same answer as without the header, not "Wrong user name or password" (401).
    assert answered.status_code == without.status_code == 404
    assert answered.json() == without.json()
    assert "No application numbered" in answered.json()["error"]
    # No sign-in tried: not one query more (no user read, no count), nothing audited.
    assert len(bogus.captured_queries) == len(plain.captured_queries)
    assert not AuditEntry.objects.exists()
    assert not RateCount.objects.filter(key__startswith="signin:").exists()


def test_a_public_endpoint_does_not_sign_in_with_good_credentials_either(client):
    StaffUserFactory(username="moderator1", role="moderator")
    body = client.get("/api/staff/me", **basic("moderator1", PASSWORD)).json()
    assert body == {"authenticated": False, "roles": [], "capabilities": []}
    assert not AuditEntry.objects.exists()


def test_an_endpoint_with_a_capability_still_signs_in_with_basic(client):
    StaffUserFactory(username="moderator1", role="moderator")
    response = client.get("/api/staff/audit", **basic("moderator1", PASSWORD))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # staff data: no cache keeps it
    assert response.json()["count"] == 0  # a script signing in is not a session sign-in
    refused = client.get("/api/staff/audit", **basic("moderator1", "wrong"))
    assert refused.status_code == 401
    assert refused.json() == {"error": "Wrong user name or password."}
