"""The published ledger: pages, the download, the roots and the queue list, without sign-in."""

import datetime
import json
from pathlib import Path

import pytest
from django.utils import timezone

from queues.ledger import FORM_KEYS, LedgerEvent, entry_hash_compute
from queues.models import GENESIS_HASH, LedgerEntry
from queues.services.ledger import ledger_append_many
from queues.services.roots import ledger_root_publish
from tests.queues.ledger_fixtures import NAMES, chain_make

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[2] / "docs"


def entries_of(response) -> list[dict]:
    return [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]


def test_the_ledger_pages_through_next_up_to_the_head(client, queue, django_assert_max_num_queries):
    iins = chain_make(queue, 7)  # 7 registrations and 2 verifications
    url, pages, seen = "/api/queues/taraz-izhs/ledger?limit=4", 0, []
    while url:
        with django_assert_max_num_queries(4):
            response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=60"
        body = response.json()
        seen += body["entries"]
        url, pages = body["next"], pages + 1
        text = response.content.decode()
        for secret in [*iins, *NAMES, "@example.kz"]:
            assert secret not in text
    assert pages == 3
    assert [entry["sequence"] for entry in seen] == list(range(1, 10))
    head = LedgerEntry.objects.get(queue=queue, sequence=9)
    assert body["head"] == {"sequence": 9, "hash": head.entry_hash}
    assert set(seen[0]) == {*FORM_KEYS, "previous_hash", "entry_hash"}
    assert seen[0]["previous_hash"] == GENESIS_HASH
    assert seen[0]["event"] == "registered" and seen[2]["event"] == "registered"
    assert seen[3]["event"] == "verified"
    # Anyone can recompute each hash from what is published.
    for entry in seen:
        form = {key: entry[key] for key in FORM_KEYS}
        assert entry_hash_compute(entry["previous_hash"], form) == entry["entry_hash"]


def test_paging_starts_after_a_sequence_and_the_last_page_has_no_next(client, queue):
    chain_make(queue, 4)  # 5 entries
    body = client.get("/api/queues/taraz-izhs/ledger?after=3").json()
    assert [entry["sequence"] for entry in body["entries"]] == [4, 5]
    assert body["next"] is None
    assert client.get("/api/queues/taraz-izhs/ledger?after=5").json()["entries"] == []


@pytest.mark.parametrize(
    "query, message",
    [
        ("limit=0", "limit must be a whole number from 1 to 5000."),
        ("limit=5001", "limit must be a whole number from 1 to 5000."),
        ("after=-1", "after must be a whole number from 0 to"),
        ("after=ten", "after must be a whole number from 0 to"),
    ],
)
def test_bad_paging_is_refused_saying_what_to_send(client, queue, query, message):
    response = client.get(f"/api/queues/taraz-izhs/ledger?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_an_unknown_queue_is_a_404_that_points_to_the_list(client, db):
    response = client.get("/api/queues/nowhere/ledger", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json()["error"] == (
        "No queue with the code “nowhere”. The list is at /api/queues/."
    )


def test_the_download_is_the_same_entries_one_per_line(client, queue):
    iins = chain_make(queue, 5)
    response = client.get("/api/queues/taraz-izhs/ledger.jsonl")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/jsonl; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="taraz-izhs-ledger.jsonl"'
    downloaded = entries_of(response)
    paged = client.get("/api/queues/taraz-izhs/ledger").json()["entries"]
    assert downloaded == paged and len(downloaded) == 6
    later = entries_of(client.get("/api/queues/taraz-izhs/ledger.jsonl?after=4"))
    assert [entry["sequence"] for entry in later] == [5, 6]
    text = json.dumps(downloaded, ensure_ascii=False)
    for secret in [*iins, *NAMES, "@example.kz"]:
        assert secret not in text


def test_the_queue_list_links_each_ledger_and_its_head(
    client, queue, django_assert_max_num_queries
):
    chain_make(queue, 2)
    with django_assert_max_num_queries(2):
        body = client.get("/api/queues/", HTTP_ACCEPT_LANGUAGE="en").json()
    [listed] = body["queues"]
    head = LedgerEntry.objects.get(queue=queue, sequence=2)
    assert listed["queue"] == "taraz-izhs"
    assert listed["head"] == {"sequence": 2, "hash": head.entry_hash}
    assert listed["ledger_url"] == "http://testserver/api/queues/taraz-izhs/ledger"
    assert listed["download_url"] == "http://testserver/api/queues/taraz-izhs/ledger.jsonl"
    assert listed["roots_url"] == "http://testserver/api/queues/taraz-izhs/roots"
    assert listed["verify_page_url"].endswith("/queues/taraz-izhs/verify/")
    assert body["verify_script_url"] == "http://testserver/api/queues/ledger_verify.py"
    assert client.get(listed["ledger_url"]).json()["head"]["sequence"] == 2


def test_the_roots_are_published_with_the_ledger(client, queue):
    day = timezone.localdate() - datetime.timedelta(days=2)
    noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    ledger_append_many(queue=queue, events=[LedgerEvent("lot_drawn")] * 3, at=noon)
    root = ledger_root_publish(queue=queue, day=day)
    expected = [
        {
            "day": day.isoformat(),
            "sequence": 3,
            "root_hash": root.root_hash,
            "published_at": root.published_at.astimezone(datetime.UTC).strftime(
                "%Y-%m-%dT%H:%M:%S.%fZ"
            ),
        }
    ]
    assert client.get("/api/queues/taraz-izhs/roots").json() == expected
    assert client.get("/api/queues/taraz-izhs/ledger").json()["roots"] == expected


def test_the_checking_script_is_served_as_it_is_in_docs(client, db):
    response = client.get("/api/queues/ledger_verify.py")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == (DOCS / "ledger_verify.py").read_bytes()


@pytest.mark.django_db(transaction=True)
def test_the_download_holds_no_cursor_or_transaction_while_the_client_reads(client, monkeypatch):
    from django.db import connection

    from queues.selectors import ledger
    from queues.views import api as ledger_api
    from tests.factories import QueueFactory

    queue = QueueFactory()
    chain_make(queue, 5)
    # Small pages and one line per chunk, so the client stops reading between two pages.
    monkeypatch.setattr(ledger, "LEDGER_PAGE_SIZE", 2, raising=False)
    monkeypatch.setattr(ledger_api, "LINES_PER_CHUNK", 1)
    paged = client.get("/api/queues/taraz-izhs/ledger").json()["entries"]

    response = client.get("/api/queues/taraz-izhs/ledger.jsonl")
    chunks = iter(response.streaming_content)
    lines = [next(chunks), next(chunks), next(chunks)]  # the client is slow: it pauses here
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors")
        assert cursor.fetchone()[0] == 0
        # No transaction left open either: this statement starts its own.
        cursor.execute("SELECT now() = statement_timestamp()")
        assert cursor.fetchone()[0] is True
    lines.extend(chunks)
    downloaded = [json.loads(line) for chunk in lines for line in chunk.decode().splitlines()]
    assert downloaded == paged and len(downloaded) == 6
