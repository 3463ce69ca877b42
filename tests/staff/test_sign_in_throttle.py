"""Every sign-in door is throttled per user name and per client address, before any
password is checked; failures are aggregated, not written to the audit log one by one."""

import base64
from collections.abc import Callable

import pytest
from django.test import Client

from staff.models import AuditEntry
from tests.conftest import PASSWORD
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

USER_LIMIT = 5
ADDRESS_LIMIT = 8


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.RGIS_SIGNIN_USER_LIMIT = USER_LIMIT
    settings.RGIS_SIGNIN_ADDRESS_LIMIT = ADDRESS_LIMIT
    settings.RGIS_SIGNIN_WINDOW_MINUTES = 15


RETRY_AFTER: dict[str, str] = {}


def api_door(username: str, password: str, address: str) -> tuple[int, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    response = Client().get(
        "/api/staff/audit",
        HTTP_AUTHORIZATION=f"Basic {token}",
        HTTP_ACCEPT_LANGUAGE="en",
        REMOTE_ADDR=address,
    )
    RETRY_AFTER["api"] = response.get("Retry-After", "")
    return response.status_code, response.content.decode()


def staff_page_door(username: str, password: str, address: str) -> tuple[int, str]:
    response = Client().post(
        "/en/staff/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )
    RETRY_AFTER["staff page"] = response.get("Retry-After", "")
    return response.status_code, response.content.decode()


def admin_door(username: str, password: str, address: str) -> tuple[int, str]:
    response = Client().post(
        "/en/admin/login/",
        {"username": username, "password": password, "next": "/en/admin/"},
        REMOTE_ADDR=address,
    )
    RETRY_AFTER["admin"] = response.get("Retry-After", "")
    return response.status_code, response.content.decode()


DOORS = {"api": api_door, "staff page": staff_page_door, "admin": admin_door}
# What each door answers to the right password (API: 200; pages: a redirect).
SIGNED_IN = {"api": 200, "staff page": 302, "admin": 302}
WRONG = {"api": 401, "staff page": 200, "admin": 200}


@pytest.mark.parametrize("door", DOORS)
def test_one_user_name_from_many_addresses_is_refused_past_its_limit(door):
    StaffUserFactory(username="aigerim", role="moderator")
    enter: Callable[[str, str, str], tuple[int, str]] = DOORS[door]
    for n in range(USER_LIMIT):
        status, _body = enter("aigerim", f"guess{n}", f"203.0.113.{n + 1}")
        assert status == WRONG[door]
    # From yet another address, even with the right password: refused before checking it.
    status, body = enter("aigerim", PASSWORD, "203.0.113.200")
    assert status == 429
    assert "Too many sign-in attempts; try again in 15 minutes." in body
    assert RETRY_AFTER[door] == "900"
    # Another person signs in from those same addresses.
    StaffUserFactory(username="daniyar", role="moderator")
    assert enter("daniyar", PASSWORD, "203.0.113.1")[0] == SIGNED_IN[door]


@pytest.mark.parametrize("door", DOORS)
def test_many_user_names_from_one_address_are_refused_past_its_limit(door):
    StaffUserFactory(username="aigerim", role="moderator")
    enter = DOORS[door]
    for n in range(ADDRESS_LIMIT):
        assert enter(f"name{n}", "guess", "198.51.100.7")[0] == WRONG[door]
    status, body = enter("aigerim", PASSWORD, "198.51.100.7")
    assert status == 429
    assert "Too many sign-in attempts" in body
    # The same person from their own address is not punished for the flood.
    assert enter("aigerim", PASSWORD, "198.51.100.8")[0] == SIGNED_IN[door]


def test_the_refusal_speaks_the_pages_language_and_keeps_the_form():
    for n in range(USER_LIMIT):
        staff_page_door("aigerim", "guess", f"203.0.113.{n + 1}")
    response = Client().post(
        "/en/staff/login/", {"username": "aigerim", "password": "x"}, REMOTE_ADDR="192.0.2.1"
    )
    assert response.status_code == 429
    page = response.content.decode()
    assert 'name="password"' in page
    assert 'lang="en"' in page


def test_a_flood_of_bogus_sign_ins_adds_at_most_a_couple_of_audit_entries(settings):
    settings.RGIS_SIGNIN_USER_LIMIT = 10
    settings.RGIS_SIGNIN_ADDRESS_LIMIT = 30
    StaffUserFactory(username="admin", role="administrator")
    before = AuditEntry.objects.count()
    # 100 guesses of one name from 50 addresses, 100 names from one address: 200 tries.
    for n in range(100):
        staff_page_door("admin", f"guess{n}", f"203.0.113.{n % 50 + 1}")
        api_door(f"bogus{n}", "guess", "198.51.100.9")
    entries = AuditEntry.objects.order_by("id")[before:]
    assert len(entries) <= 2
    assert [(entry.action, entry.after["throttled"]) for entry in entries] == [
        ("sign_in_throttled", "user"),
        ("sign_in_throttled", "address"),
    ]
    assert entries[0].actor_username == "admin"
    assert entries[0].after["failures"] == 10
    assert entries[1].after["failures"] == 30
