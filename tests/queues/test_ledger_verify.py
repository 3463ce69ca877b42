"""queue_verify, the public check page and the standalone script against tampered chains.

Every tampering goes behind the application's back, with the append-only trigger disabled
(tests/queues/ledger_fixtures.py); the database's own refusal is tested in test_core.py
(entries) and test_ledger_roots.py (roots).
"""

import datetime
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from queues.ledger import LedgerEvent
from queues.models import LedgerEntry
from queues.selectors.verification import background_checks
from queues.services.ledger import ledger_append_many
from queues.services.roots import ledger_root_publish
from tests.factories import QueueFactory
from tests.queues.ledger_fixtures import (
    NAMES,
    chain_make,
    chain_rewrite_from,
    entries_swap,
    entry_delete,
    entry_edit,
)

pytestmark = pytest.mark.django_db
SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "ledger_verify.py"
PAGE = "/en/queues/taraz-izhs/verify/"


@pytest.fixture(autouse=True)
def _no_cached_checks():
    cache.clear()


def verify(*arguments: str) -> tuple[bool, str]:
    """Run queue_verify in English: (clean?, what it printed)."""
    out = io.StringIO()
    try:
        call_command("queue_verify", *arguments, "--language", "en", stdout=out)
    except CommandError as error:
        assert error.returncode == 1
        return False, out.getvalue() + str(error)
    return True, out.getvalue()


def rooted_chain(queue) -> datetime.date:
    """Six entries recorded the day before yesterday (its root: entry 6), then four today."""
    day = timezone.localdate() - datetime.timedelta(days=2)
    noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    ledger_append_many(queue=queue, events=[LedgerEvent("lot_drawn")] * 6, at=noon)
    ledger_root_publish(queue=queue, day=day)
    chain_make(queue, 3)  # three registrations and one verification
    return day


def download(client, tmp_path: Path) -> tuple[Path, Path]:
    response = client.get("/api/queues/taraz-izhs/ledger.jsonl")
    ledger = tmp_path / "taraz-izhs-ledger.jsonl"
    ledger.write_bytes(b"".join(response.streaming_content))
    roots = tmp_path / "roots.json"
    roots.write_bytes(client.get("/api/queues/taraz-izhs/roots").content)
    return ledger, roots


def script(ledger: Path, roots: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(ledger), "--roots", str(roots)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_a_fresh_chain_is_intact(queue):
    day = rooted_chain(queue)
    clean, out = verify("taraz-izhs", "-v", "2")
    head = LedgerEntry.objects.get(queue=queue, sequence=10)
    assert clean
    assert (
        f"The ledger of taraz-izhs is intact: 10 entries checked, head 10 {head.entry_hash}, "
        "1 published roots extended." in out
    )
    assert f"root of {day.isoformat()} (entry 6): Extended" in out


def test_every_queue_is_checked_without_an_argument(queue):
    chain_make(queue, 2)
    clean, out = verify()
    assert clean and "The ledger of taraz-izhs is intact" in out


def test_an_entry_edited_behind_the_applications_back_is_reported(queue):
    day = rooted_chain(queue)
    entry_edit(queue, 4, {"moved": "to the head"})
    clean, out = verify("taraz-izhs")
    assert not clean
    assert (
        "taraz-izhs #4: Entry 4 was changed after it was recorded: it no longer matches "
        "its hash." in out
    )
    assert out.count("#") == 1  # only entry 4, not every entry after it
    assert (
        f"root of {day.isoformat()} (entry 6): Not extended: entries up to 6 were changed, "
        "removed or moved" in out
    )
    assert "1 of 1 ledgers checked are NOT intact." in out


def test_a_deleted_entry_is_reported_missing(queue):
    rooted_chain(queue)
    entry_delete(queue, 8)
    clean, out = verify("taraz-izhs")
    assert not clean
    assert "taraz-izhs #8: Entry 8 is missing: it was removed." in out
    assert "Not extended" not in out  # the root (entry 6) lies before the gap


def test_two_swapped_entries_are_reported_moved(queue):
    rooted_chain(queue)
    entries_swap(queue, 7, 9)
    clean, out = verify("taraz-izhs")
    assert not clean
    assert "#7: Entry 7 holds the entry recorded as number 9: entries were moved." in out
    assert "#9: Entry 9 holds the entry recorded as number 7: entries were moved." in out


def test_a_chain_rewritten_consistently_no_longer_extends_its_root(queue):
    day = rooted_chain(queue)
    chain_rewrite_from(queue, 3, {"forged": True})
    clean, out = verify("taraz-izhs")
    assert not clean
    assert "#" not in out  # every entry matches its hash and follows the one before ...
    assert (
        f"root of {day.isoformat()} (entry 6): Not extended: entry 6 has a different hash "
        f"than on {day.isoformat()}." in out  # ... but the published root gives it away
    )


def test_a_downloaded_file_is_checked_against_the_published_roots(client, queue, tmp_path):
    rooted_chain(queue)
    ledger, _roots = download(client, tmp_path)
    assert verify("--from-file", str(ledger)) == (True, verify("taraz-izhs")[1])
    lines = ledger.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace('"lot_drawn"', '"registered"')
    ledger.write_text("\n".join(lines) + "\n", encoding="utf-8")
    clean, out = verify("taraz-izhs", "--from-file", str(ledger))
    assert not clean and "#3: Entry 3 was changed after it was recorded" in out
    ledger.write_text("not a ledger\n", encoding="utf-8")
    clean, out = verify("--from-file", str(ledger))
    assert not clean and "is not a ledger download: line 1 is not JSON" in out


def test_the_standalone_script_agrees_with_the_command(client, queue, tmp_path):
    day = rooted_chain(queue)
    ledger, roots = download(client, tmp_path)
    checked = script(ledger, roots)
    head = LedgerEntry.objects.get(queue=queue, sequence=10)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"entries: 10; head: entry 10, hash {head.entry_hash}" in checked.stdout
    assert "roots extended: 1 of 1" in checked.stdout
    assert checked.stdout.rstrip().endswith("INTACT")

    entry_edit(queue, 4, {"moved": "to the head"})
    ledger, _roots = download(client, tmp_path)  # the same roots saved before
    checked = script(ledger, roots)
    assert checked.returncode == 1
    assert "entry 4: changed: it no longer matches its entry_hash" in checked.stdout
    assert f"root of {day.isoformat()} (entry 6, " in checked.stdout
    assert "NOT INTACT: 1 problems, 1 roots not extended" in checked.stdout
    assert not verify("--from-file", str(ledger))[0]


def test_only_the_roots_give_away_a_chain_rewritten_from_end_to_end(client, queue, tmp_path):
    rooted_chain(queue)
    saved = tmp_path / "saved"
    saved.mkdir()
    _ledger, saved_roots = download(client, saved)
    chain_rewrite_from(queue, 2, {"forged": True})
    ledger, _roots = download(client, tmp_path)
    without_roots = subprocess.run(
        [sys.executable, str(SCRIPT), str(ledger)], capture_output=True, text=True, check=False
    )
    assert without_roots.returncode == 0
    assert "no roots given: only the chain itself was checked" in without_roots.stdout
    checked = script(ledger, saved_roots)
    assert checked.returncode == 1
    assert "NOT INTACT: 0 problems, 1 roots not extended" in checked.stdout


def test_the_public_page_shows_an_intact_ledger(client, queue):
    iins = chain_make(queue, 4)
    head = LedgerEntry.objects.get(queue=queue, sequence=5)
    response = client.get(PAGE)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-verdict="intact"' in text and "The ledger is intact." in text
    assert "<dd data-entries>5</dd>" in text
    assert head.entry_hash in text
    assert "http://testserver/api/queues/taraz-izhs/ledger.jsonl" in text
    assert "python3 ledger_verify.py" in text
    for secret in [*iins, *NAMES, "@example.kz"]:
        assert secret not in text


def test_the_public_page_shows_what_was_tampered_with(client, queue):
    day = rooted_chain(queue)
    entry_delete(queue, 2)
    text = client.get(PAGE).content.decode()
    assert 'data-verdict="broken"' in text and "The ledger is NOT intact." in text
    assert "Entry 2 is missing: it was removed." in text
    assert "1 published root is no longer extended by the chain." in text
    assert f"<td>{day.isoformat()}</td><td>6</td>" in text


def test_the_public_page_rechecks_once_the_head_moved(client, queue):
    chain_make(queue, 2)
    assert "<dd data-entries>2</dd>" in client.get(PAGE).content.decode()
    chain_make(queue, 1, start=2)
    assert "<dd data-entries>4</dd>" in client.get(PAGE).content.decode()


@pytest.mark.django_db(transaction=True)  # the check's thread reads what the test committed
def test_a_long_ledger_is_checked_in_the_background_while_the_page_answers(client, settings):
    settings.RGIS_LEDGER_CHECK_INLINE_MAX = 3
    queue = QueueFactory()
    chain_make(queue, 4)
    first = client.get(PAGE)
    assert 'data-verdict="running"' in first.content.decode()
    assert "The 5 entries of this ledger are being checked now." in first.content.decode()
    assert first["Cache-Control"] == "no-cache"
    thread = background_checks.get(queue.pk)
    if thread is not None:
        thread.join(timeout=60)
    second = client.get(PAGE).content.decode()
    assert 'data-verdict="intact"' in second and "<dd data-entries>5</dd>" in second
    # A new entry does not start another check of a long chain before the time is up.
    chain_make(queue, 1, start=4)
    third = client.get(PAGE).content.decode()
    assert "<dd data-entries>5</dd>" in third
    assert "1 entry was recorded after this check" in third
    assert queue.pk not in background_checks


def test_the_public_page_of_an_unknown_queue_is_not_found(client, db):
    assert client.get("/en/queues/nowhere/verify/").status_code == 404
