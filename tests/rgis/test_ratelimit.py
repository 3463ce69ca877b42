"""Flood-control counts: one row per client and window, exact, forgotten when expired."""

import threading

import pytest
from django.db import connection

from rgis import ratelimit
from rgis.models import RateCount

pytestmark = pytest.mark.django_db


def test_each_event_counts_once_per_key_in_one_round_trip(django_assert_num_queries):
    # tests/conftest.py: not the call that culls the expired counts (one a minute).
    with django_assert_num_queries(1):
        assert ratelimit.rate_count("appeals:rate:file:a:1", 600) == 1
    assert ratelimit.rate_count("appeals:rate:file:a:1", 600) == 2
    assert ratelimit.rate_count("appeals:rate:file:b:1", 600) == 1
    assert ratelimit.rate_count("appeals:rate:file:a:1", 600) == 3


def test_an_expired_count_starts_again_and_is_deleted_in_time(monkeypatch):
    ratelimit.rate_count("queues:iin-lookups:a", 3600)
    ratelimit.rate_count("queues:iin-lookups:a", 3600)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE rgis_rate_count SET expires_at = now() - interval '1 second'")
    assert ratelimit.rate_count("queues:iin-lookups:a", 3600) == 1
    ratelimit.rate_count("queues:iin-lookups:b", 3600)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE rgis_rate_count SET expires_at = now() - interval '1 second' WHERE key = %s",
            ["queues:iin-lookups:b"],
        )
    monkeypatch.setitem(ratelimit._cull, "last", 0.0)  # the minute between culls has passed
    ratelimit.rate_count("queues:iin-lookups:c", 3600)
    assert sorted(RateCount.objects.values_list("key", flat=True)) == [
        "queues:iin-lookups:a",
        "queues:iin-lookups:c",
    ]


@pytest.mark.django_db(transaction=True)  # each thread commits on a connection of its own
def test_simultaneous_events_are_all_counted():
    counts: list[int] = []

    def count() -> None:
        try:
            counts.extend(ratelimit.rate_count("appeals:rate:file:flood:1", 600) for _ in range(10))
        finally:
            connection.close()

    threads = [threading.Thread(target=count) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == list(range(1, 41))
