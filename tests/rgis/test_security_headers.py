"""Browser-side hardening: CSP with nonces, short staff sessions, no-store for staff,
/admin/ only from the configured networks."""

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.strip().split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


def test_every_page_has_a_policy_and_only_its_own_inline_scripts_run(client):
    first = client.get("/en/")
    second = client.get("/en/")
    policy = policy_of(first)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    nonce = next(v for v in policy["script-src"] if v.startswith("'nonce-"))[7:-1]
    assert nonce != policy_of(second)["script-src"][-1][7:-1]  # a new one each request
    page = first.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert inline, "the home map has an inline script"
    for attributes in inline:
        if "application/json" not in attributes:
            assert f'nonce="{nonce}"' in attributes


def test_images_come_only_from_the_portal_and_the_configured_base_map(client, settings):
    settings.RGIS_BASEMAP_URL = "https://{s}.tiles.example.kz/osm/{z}/{x}/{y}.png"
    images = policy_of(client.get("/en/queues/lookup/"))["img-src"]
    assert images == ["'self'", "data:", "blob:", "https://*.tiles.example.kz"]
    settings.RGIS_BASEMAP_URL = ""
    assert policy_of(client.get("/en/queues/lookup/"))["img-src"] == ["'self'", "data:", "blob:"]


def test_admin_and_staff_pages_are_covered_too(staff_client):
    client, _user = staff_client("administrator")
    for url in ("/en/admin/", "/en/staff/", "/en/staff/audit/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_a_staff_session_ends_after_hours_without_a_request_not_two_weeks(client, settings):
    settings.RGIS_STAFF_SESSION_HOURS = 8
    StaffUserFactory(username="aigerim", role="moderator")
    response = client.post("/en/staff/login/", {"username": "aigerim", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies["sessionid"]["max-age"] <= 8 * 3600
    session = Session.objects.get()
    assert session.expire_date <= timezone.now() + timedelta(hours=8, minutes=1)
    assert client.get("/en/staff/").status_code == 200

    # Seven hours without a request, then one: the session lives 8 hours from now again.
    Session.objects.update(expire_date=timezone.now() + timedelta(hours=1))
    session_data = client.session
    session_data["_rgis_seen"] = 0  # the last renewal long ago
    session_data.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(hours=1))
    assert client.get("/en/staff/").status_code == 200
    assert Session.objects.get().expire_date > timezone.now() + timedelta(hours=7, minutes=50)

    # Past it, the staff member signs in again.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/en/staff/")
    assert response.status_code == 302
    assert "/staff/login/" in response["Location"]


def test_staff_pages_and_answers_to_staff_are_never_stored(staff_client):
    anonymous = Client()
    assert "no-store" in anonymous.get("/en/staff/login/")["Cache-Control"]
    assert "no-store" in anonymous.get("/en/admin/login/")["Cache-Control"]
    public = anonymous.get("/api/queues/applications/NO-SUCH-1")
    assert "no-store" not in public.get("Cache-Control", "")

    client, _user = staff_client("queue_officer")
    for url in ("/en/staff/", "/en/staff/queues/", "/api/queues/applications/NO-SUCH-1"):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url
        assert "public" not in response["Cache-Control"], url


def test_admin_answers_only_from_its_networks(client, settings):
    settings.RGIS_ADMIN_NETWORKS = ["10.20.0.0/16", "2001:db8::/32"]
    assert client.get("/en/admin/login/", REMOTE_ADDR="203.0.113.5").status_code == 404
    assert client.get("/en/admin/", REMOTE_ADDR="203.0.113.5").status_code == 404
    # Behind the proxy, the client's address is the one the proxy passes on.
    outside = client.get("/en/admin/login/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.5")
    assert outside.status_code == 404
    assert client.get("/en/admin/login/", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/en/admin/login/", REMOTE_ADDR="2001:db8::7").status_code == 200
    # The staff sign-in and the public site stay reachable from anywhere.
    assert client.get("/en/staff/login/", REMOTE_ADDR="203.0.113.5").status_code == 200
    settings.RGIS_ADMIN_NETWORKS = []
    assert client.get("/en/admin/login/", REMOTE_ADDR="203.0.113.5").status_code == 200
