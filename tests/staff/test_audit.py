import json

import pytest
from django.contrib.auth.models import Group, User
from django.db import DatabaseError, connection, transaction

from staff.models import AuditEntry
from staff.services import audit_record, audit_snapshot
from tests.conftest import PASSWORD
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def test_admin_change_of_a_staff_account_is_recorded_with_before_and_after(staff_client):
    client, admin_user = staff_client("administrator")
    colleague = StaffUserFactory(username="aigerim", first_name="Aigerim")
    page = client.get(f"/en/admin/auth/user/{colleague.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and key not in ("groups", "user_permissions", "password")
    }
    data.update(
        {
            "username": "aigerim",
            "first_name": "Aigerim",
            "last_name": "Seitkali",
            "is_active": "on",
            "is_staff": "on",
            "groups": [Group.objects.get(name="planner").pk],
            "date_joined_0": colleague.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": colleague.date_joined.strftime("%H:%M:%S"),
        }
    )
    response = client.post(f"/en/admin/auth/user/{colleague.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]

    entry = AuditEntry.objects.get(action="update", object_type="auth.user")
    assert entry.actor == admin_user
    assert entry.actor_username == admin_user.username
    assert entry.object_id == str(colleague.pk)
    assert entry.before["last_name"] == ""
    assert entry.after["last_name"] == "Seitkali"
    assert entry.before["groups"] == []
    assert entry.after["groups"] == ["planner"]
    assert entry.before["password"] == entry.after["password"] == "[redacted]"


def test_the_audit_log_refuses_updates_and_deletes_in_the_database():
    entry = audit_record(actor=None, action="test.action", actor_username="someone")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.action == "test.action"


def test_nobody_edits_or_deletes_audit_entries_in_the_admin(client):
    superuser = User.objects.create_superuser("root", password=PASSWORD)
    client.force_login(superuser)
    entry = audit_record(actor=superuser, action="test.action")
    assert client.get(f"/en/admin/staff/auditentry/{entry.pk}/change/").status_code == 200
    response = client.post(f"/en/admin/staff/auditentry/{entry.pk}/change/", {"action": "forged"})
    assert response.status_code == 403
    response = client.post(f"/en/admin/staff/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.action"


def test_sign_in_is_recorded_and_a_single_failure_only_counted(client):
    user = StaffUserFactory(username="planner1")
    response = client.post("/en/staff/login/", {"username": "planner1", "password": "wrong"})
    assert "Wrong user name or password" in response.content.decode()
    response = client.post("/en/staff/login/", {"username": "planner1", "password": PASSWORD})
    assert response.status_code == 302
    # Failures are aggregated (tests/staff/test_sign_in_throttle.py): one is no entry.
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "actor_username"))
    assert actions == [("login", "planner1")]
    assert AuditEntry.objects.get(action="login").actor == user


def test_audit_log_page_shows_entries_and_changed_fields(staff_client):
    client, user = staff_client("administrator")
    audit_record(
        actor=user, action="update", before={"status": "draft"}, after={"status": "approved"}
    )
    page = client.get("/en/staff/audit/?action=update").content.decode()
    assert user.username in page
    assert '<span class="field">status</span>: draft → approved' in page


def test_audit_api_pages_through_entries(staff_client):
    client, user = staff_client("moderator")
    for n in range(3):
        audit_record(actor=user, action=f"test.{n}")
    body = client.get("/api/staff/audit?user=" + user.username).json()
    # Signing in (force_login) is itself an audited action.
    assert body["count"] == 4
    assert [entry["action"] for entry in body["entries"]] == [
        "test.2",
        "test.1",
        "test.0",
        "login",
    ]
    assert client.get("/api/staff/audit?page=9").status_code == 404
    assert client.get("/api/staff/audit?page=x", HTTP_ACCEPT_LANGUAGE="en").json()["error"] == (
        "The page must be a whole number."
    )


def test_the_audit_log_refuses_truncate_in_the_database():
    audit_record(actor=None, action="test.action", actor_username="someone")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # The test's own insert leaves deferred foreign-key checks pending; run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # The test suite's own flush says "on"; no other connection says it.
        cursor.execute("SET LOCAL rgis.test_flush = off")
        cursor.execute("TRUNCATE staff_auditentry")
    assert AuditEntry.objects.filter(action="test.action").count() == 1


def test_secrets_never_reach_the_audit_log_whatever_the_field_is_called():
    entry = audit_record(
        actor=None,
        action="test.partner",
        before={"partner_token": "tok-123", "key_hash": "abc", "name": "Partner"},
        after={
            "api_key": "k-1",
            "client_secret": "s-1",
            "idempotency_key": "idem-1",
            "password": "pbkdf2$x",
            "nested": {"reset_token": "t-2"},
            "name": "Partner",
        },
    )
    entry.refresh_from_db()
    stored = json.dumps([entry.before, entry.after])
    for secret in ("tok-123", "abc", "k-1", "s-1", "idem-1", "pbkdf2$x", "t-2"):
        assert secret not in stored
    assert entry.before["name"] == entry.after["name"] == "Partner"


def test_snapshots_of_models_keep_their_secrets_out():
    partner = User(username="partner", password="pbkdf2$secret-hash")
    state = audit_snapshot(partner)
    assert state["password"] == "[redacted]"
    assert state["username"] == "partner"


def test_moderators_read_no_free_text_in_the_audit_log(staff_client):
    client, _moderator = staff_client("moderator")
    audit_record(
        actor=None,
        action="appeal.answer",
        actor_username="operator1",
        before={"status": "in_progress", "answer": "", "description": "My neighbour Asan B."},
        after={
            "status": "answered",
            "answer": "Sent to Asan Bekov at home",
            "description": "My neighbour Asan B.",
            "partner_token": "tok-9",
        },
    )
    page = client.get("/en/staff/audit/?action=appeal.answer").content.decode()
    assert "in_progress → answered" in page
    assert "Asan" not in page
    body = client.get("/api/staff/audit?action=appeal.answer").json()
    entry = body["entries"][0]
    assert entry["after"]["status"] == "answered"
    assert entry["after"]["answer"] == entry["after"]["description"] == "[redacted]"
    assert "Asan" not in json.dumps(body) and "tok-9" not in json.dumps(body)

    # Administrators read the free text (never the secrets).
    admin_client, _admin = staff_client("administrator")
    body = admin_client.get("/api/staff/audit?action=appeal.answer").json()
    assert body["entries"][0]["after"]["answer"] == "Sent to Asan Bekov at home"
    assert "tok-9" not in json.dumps(body)
