"""The chain check on its own (no database): what it reports for each kind of tampering.

The chains here are built in memory with the same hashing rule the ledger uses; the
database scenarios (an entry edited with the trigger disabled, ...) are in
test_ledger_verify.py.
"""

import json
import tracemalloc

import pytest

from queues.ledger import FORM_KEYS, entry_hash_compute
from queues.ledger_check import chain_check, chain_problems, entries_from_lines
from queues.models import GENESIS_HASH


def chain(count: int, *, start_hash: str = GENESIS_HASH):
    """A valid chain of `count` registrations, built lazily."""
    previous = start_hash
    for sequence in range(1, count + 1):
        form = {
            "queue": "taraz-izhs",
            "sequence": sequence,
            "recorded_at": "2026-03-02T04:15:07.123456Z",
            "event": "registered",
            "application": f"TARAZ-IZHS-2026-{sequence:07d}",
            "applicant": f"{sequence:064x}",
            "details": {"status": "waiting", "note": "Тараз, Сәулет"},
        }
        entry_hash = entry_hash_compute(previous, form)
        yield dict(form, previous_hash=previous, entry_hash=entry_hash)
        previous = entry_hash


def rehash(entry):
    """The entry with its hash recomputed over its (changed) content."""
    form = {key: entry[key] for key in FORM_KEYS}
    return dict(entry, entry_hash=entry_hash_compute(entry["previous_hash"], form))


def roots_of(entries, *sequences):
    return [
        {"day": f"2026-03-{sequence:02d}", "sequence": sequence, "root_hash": entry["entry_hash"]}
        for sequence in sequences
        for entry in entries
        if entry["sequence"] == sequence
    ]


def described(report):
    return [(problem.sequence, problem.kind, problem.message) for problem in report.problems]


def test_an_untouched_chain_is_intact_and_extends_its_roots():
    entries = list(chain(12))
    report = chain_check(entries, roots_of(entries, 4, 12))
    assert report.intact
    assert (report.entries_checked, report.head_sequence) == (12, 12)
    assert report.head_hash == entries[-1]["entry_hash"]
    assert [root.status for root in report.roots] == ["extended", "extended"]
    assert "is intact: 12 entries checked" in report.summary()


def test_an_edited_entry_is_reported_once_not_as_everything_after_it():
    entries = list(chain(12))
    roots = roots_of(entries, 4, 9)
    entries[6]["details"] = {"status": "waiting", "note": "moved up"}
    report = chain_check(entries, roots)
    assert described(report) == [
        (7, "changed", "Entry 7 was changed after it was recorded: it no longer matches its hash.")
    ]
    assert [(root.sequence, root.extended) for root in report.roots] == [(4, True), (9, False)]


def test_an_entry_rewritten_with_its_hash_recomputed_is_caught_by_the_next_entry():
    entries = list(chain(8))
    entries[4] = rehash(dict(entries[4], event="removed"))
    report = chain_check(entries)
    assert described(report) == [
        (
            5,
            "changed",
            "Entry 5 was replaced and its hash recomputed: entry 6 was chained to a "
            "different entry 5.",
        )
    ]


def test_removed_entries_are_reported_as_one_gap():
    entries = list(chain(10))
    del entries[3:6]
    report = chain_check(entries, roots_of(list(chain(10)), 2, 5, 8))
    assert described(report) == [(4, "missing", "Entries 4–6 are missing: they were removed.")]
    assert [root.status for root in report.roots] == ["extended", "missing", "broken"]


def test_entries_that_swapped_numbers_are_reported_as_moved():
    entries = list(chain(10))
    entries[2], entries[7] = dict(entries[7], sequence=3), dict(entries[2], sequence=8)
    entries.sort(key=lambda entry: entry["sequence"])
    assert described(chain_check(entries)) == [
        (3, "reordered", "Entry 3 holds the entry recorded as number 8: entries were moved."),
        (8, "reordered", "Entry 8 holds the entry recorded as number 3: entries were moved."),
    ]


def test_lines_out_of_order_in_a_file_are_reported_where_they_turn_up():
    entries = list(chain(6))
    entries[1], entries[2] = entries[2], entries[1]
    assert described(chain_check(entries)) == [
        (2, "reordered", "Entry 2 comes after entry 3: out of order.")
    ]


def test_a_repeated_entry_and_a_chain_cut_short():
    entries = list(chain(6))
    report = chain_check(entries[:4] + [entries[2]], roots_of(entries, 6))
    assert described(report) == [(3, "duplicate", "Entry 3 appears more than once.")]
    assert report.roots[0].message == "Not extended: the chain ends before entry 6."


def test_a_chain_recomputed_from_end_to_end_passes_every_check_but_the_roots():
    honest = list(chain(8))
    forged = list(chain(8, start_hash="f" * 64))
    report = chain_check(forged, roots_of(honest, 3))
    assert report.problem_count == 1  # entry 1 does not start from 64 zeros
    assert not report.roots[0].extended
    assert report.roots[0].message == (
        "Not extended: entry 3 has a different hash than on 2026-03-03."
    )


def test_chain_problems_lists_entries_and_roots_for_older_callers():
    entries = list(chain(5))
    roots = roots_of(entries, 5)
    entries[1]["event"] = "removed"
    assert [(problem.sequence, problem.kind) for problem in chain_problems(entries, roots)] == [
        (2, "changed"),
        (5, "root"),
    ]


def test_a_long_chain_is_checked_in_constant_memory():
    # 60,000 entries; keeping one hash per entry (as a naive check would) costs ~10 MB.
    tracemalloc.start()
    try:
        report = chain_check(chain(60_000))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.intact and report.entries_checked == 60_000
    assert peak < 3_000_000, f"peak {peak} bytes"


def test_a_file_that_is_not_a_ledger_download_is_refused_saying_which_line():
    good = next(chain(1))
    lines = [json.dumps(good), "", "{not json"]
    with pytest.raises(ValueError, match="line 3 is not JSON"):
        list(entries_from_lines(lines))
    with pytest.raises(ValueError, match="line 1 is not a ledger entry"):
        list(entries_from_lines(['{"sequence": 1}']))
