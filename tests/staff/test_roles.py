import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from staff.roles import ROLE_CAPABILITIES, capability

pytestmark = pytest.mark.django_db

ROLES = [
    "planner",
    "plan_publisher",
    "queue_officer",
    "appeals_operator",
    "moderator",
    "hearing_organiser",
    "administrator",
]


def test_every_role_exists_with_exactly_its_capabilities():
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(ROLES)
    for role in ROLES:
        held = set(
            Group.objects.get(name=role)
            .permissions.filter(content_type__model="capability")
            .values_list("codename", flat=True)
        )
        assert held == set(ROLE_CAPABILITIES[role]), role


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("planner", False),
        ("queue_officer", False),
        ("appeals_operator", False),
        ("moderator", True),
        ("administrator", True),
    ],
)
def test_audit_log_page_is_enforced_by_role(staff_client, role, allowed):
    client, _user = staff_client(role)
    response = client.get("/en/staff/audit/")
    if allowed:
        assert response.status_code == 200
        assert "Audit log" in response.content.decode()
    else:
        assert response.status_code == 403
        assert "Your role does not allow this" in response.content.decode()


@pytest.mark.parametrize("role", ["planner", "queue_officer", "appeals_operator"])
def test_audit_api_refuses_roles_without_the_capability(staff_client, role):
    client, _user = staff_client(role)
    response = client.get("/api/staff/audit", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json() == {"error": "Your role does not allow this."}


def test_audit_api_asks_anonymous_visitors_to_sign_in_in_their_language(client, db):
    response = client.get("/api/staff/audit", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 401
    with translation.override("ru"):
        expected = translation.gettext("Sign in as staff to use this.")
    assert expected != "Sign in as staff to use this."
    assert response.json()["error"] == expected


def test_staff_pages_send_anonymous_visitors_to_sign_in(client, db):
    response = client.get("/kk/staff/audit/")
    assert response.status_code == 302
    assert response.url.startswith("/kk/staff/login/")


def test_me_api_lists_roles_and_capabilities(staff_client):
    client, user = staff_client("queue_officer")
    body = client.get("/api/staff/me").json()
    assert body == {
        "authenticated": True,
        "username": user.username,
        "roles": ["queue_officer"],
        "capabilities": ["allocate_plots", "manage_queues"],
    }


def test_citizens_need_no_account(client, db):
    assert client.get("/api/staff/me").json() == {
        "authenticated": False,
        "roles": [],
        "capabilities": [],
    }
    assert client.get("/kk/").status_code == 200
    assert client.get("/kk/search/?q=аудан").status_code == 200


def test_staff_home_shows_what_the_role_may_do(staff_client):
    client, _user = staff_client("planner")
    page = client.get("/en/staff/").content.decode()
    assert "Planner" in page
    assert "Upload and revise plans and their layers" in page
    assert "Read the audit log" not in page
    assert 'href="/en/staff/audit/"' not in page


def test_capability_helper_matches_django_permissions(staff_client):
    _client, user = staff_client("appeals_operator")
    assert user.has_perm(capability("handle_appeals"))
    assert not user.has_perm(capability("allocate_plots"))
