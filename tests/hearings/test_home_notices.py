"""The home page tells a visitor which hearings take comments now, through the platform's
home-page notices hook (rgis.notices): the platform imports nothing of hearings."""

import datetime

import pytest
from django.utils import timezone

from hearings.models import Hearing
from rgis import notices
from rgis.notices import notice_provider_register, notice_providers, notice_sections

pytestmark = pytest.mark.django_db


def test_hearings_register_their_notice_provider():
    assert "open hearings" in [provider.name for provider in notice_providers()]


def test_each_provider_with_something_to_say_gets_a_section_in_order(monkeypatch):
    monkeypatch.setattr(notices, "_notice_providers", {})
    notice_provider_register(order=20, name="b", template="b.html", notices=lambda: ["b"])
    notice_provider_register(order=10, name="a", template="a.html", notices=lambda: ["a"])
    notice_provider_register(order=5, name="quiet", template="q.html", notices=lambda: [])
    assert [(s.template, list(s.notices)) for s in notice_sections()] == [
        ("a.html", ["a"]),
        ("b.html", ["b"]),
    ]


def test_the_home_page_lists_the_open_hearing_with_a_link(client, open_hearing):
    page = client.get("/en/").content.decode()
    assert "Open for public comments now:" in page
    assert f'href="/en/hearings/{open_hearing.slug}/"' in page
    assert "Discussion of the Test draft" in page


def test_a_closed_or_not_yet_open_hearing_is_not_on_the_home_page(client, open_hearing):
    Hearing.objects.filter(pk=open_hearing.pk).update(closes_at=timezone.now())
    assert "data-home-notices" not in client.get("/en/").content.decode()
    Hearing.objects.filter(pk=open_hearing.pk).update(
        status=Hearing.Status.ANNOUNCED, closes_at=timezone.now() + datetime.timedelta(days=9)
    )
    assert "data-home-notices" not in client.get("/en/").content.decode()


def test_the_notice_costs_the_home_page_one_query(client, open_hearing, django_assert_num_queries):
    client.get("/en/")  # the map and its caches warm
    with django_assert_num_queries(1):
        client.get("/en/")
