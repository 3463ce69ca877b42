"""Recomputing a queue's hash chain: which entries were changed, removed or moved.

The check streams: entries are fed one at a time (from the database's cursor or a
downloaded file) and only a sliding window of recent entries stays in memory, so a chain
of millions of entries is checked in constant memory.

Each entry is checked three ways, so that one tampered entry is reported once, not as
"everything after it changed":
- its content against its own hash: sha256(its previous_hash + "\\n" + its public form);
- its link: its previous_hash must be the hash of the entry numbered one less;
- its number: numbers run 1, 2, 3 ... without gaps, repeats or going back.

An entry whose content fails but whose hash fits another number, judging by the entries
linked to it, was moved (reordered); one whose predecessor kept a valid hash that the
entry does not point at was rewritten with its hash recomputed (changed). A chain rewritten
consistently from some entry onwards passes those checks: the roots published earlier
catch it, because a root is extended only while nothing up to its entry changed.
"""

import bisect
import json
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from queues.ledger import FORM_KEYS, PUBLISHED_KEYS, entry_hash_compute
from queues.ledger_report import ChainProblem, ChainReport, RootCheck
from queues.models import GENESIS_HASH

# Problems listed in a report; all of them are counted.
PROBLEM_LIMIT = 1000
# How far apart (in entries) two swapped entries may be and still be recognised as moved.
WINDOW = 1024
# Gaps in the numbering remembered for entries arriving late; older gaps are final.
GAP_LIMIT = 10000


@dataclass
class _Seen:
    """An entry of the window: what its neighbours' checks need."""

    previous_hash: str
    entry_hash: str
    content_ok: bool
    form: dict[str, Any] | None = None  # kept while its content fails unexplained
    moved_from: int = 0  # the number it was recorded with, once recognised as moved


@dataclass
class ChainCheck:
    """Feed entries (public form plus previous_hash and entry_hash) in their stored order."""

    queue: str = ""
    roots: list[Mapping[str, Any]] = field(default_factory=list)
    entries_checked: int = 0
    head_sequence: int = 0
    head_hash: str = GENESIS_HASH
    problem_count: int = 0
    _problems: list[ChainProblem] = field(default_factory=list)
    _first_problem: int | None = None
    _window: "OrderedDict[int, _Seen]" = field(default_factory=OrderedDict)
    _by_hash: dict[str, int] = field(default_factory=dict)
    _by_previous: dict[str, int] = field(default_factory=dict)
    _gaps: list[list[int]] = field(default_factory=list)  # [first, last] not seen yet
    _links_due: dict[int, tuple[int, str]] = field(default_factory=dict)
    _root_found: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._root_sequences = {int(root["sequence"]) for root in self.roots}

    def feed(self, entry: Mapping[str, Any]) -> None:
        """Check one entry against its own hash and the entries seen before it."""
        sequence = int(entry["sequence"])
        if not self.queue:
            self.queue = str(entry.get("queue", ""))
        self.entries_checked += 1
        form = {key: entry[key] for key in FORM_KEYS}
        previous_hash, entry_hash = str(entry["previous_hash"]), str(entry["entry_hash"])
        if sequence <= self.head_sequence and not self._gap_take(sequence):
            self._report(ChainProblem(sequence, "duplicate"))
            return
        if sequence < self.head_sequence:
            self._report(ChainProblem(sequence, "reordered", "late", self.head_sequence))
        elif sequence > self.head_sequence + 1:
            self._gap_add(self.head_sequence + 1, sequence - 1)
        if sequence > self.head_sequence:
            self.head_sequence, self.head_hash = sequence, entry_hash
        if sequence in self._root_sequences:
            self._root_found[sequence] = entry_hash

        content_ok = entry_hash_compute(previous_hash, form) == entry_hash
        seen = _Seen(previous_hash, entry_hash, content_ok, None if content_ok else form)
        self._window[sequence] = seen
        self._by_hash.setdefault(entry_hash, sequence)
        self._by_previous.setdefault(previous_hash, sequence)
        self._link_check(sequence, seen)
        self._moved_resolve(sequence)
        if len(self._window) > WINDOW:
            self._evict()

    def report(self) -> ChainReport:
        """Finish: whatever is left undecided is decided, and the roots are checked."""
        while self._window:
            self._evict()
        for first, last in self._gaps:
            self._report(ChainProblem(first, "missing", other=last))
        self._gaps = []
        roots = [self._root_check(root) for root in self.roots]
        problems = sorted(self._problems, key=lambda problem: problem.sequence)
        return ChainReport(
            queue=self.queue,
            entries_checked=self.entries_checked,
            head_sequence=self.head_sequence,
            head_hash=self.head_hash,
            problems=problems,
            problem_count=self.problem_count,
            roots=roots,
        )

    def _report(self, problem: ChainProblem) -> None:
        self.problem_count += 1
        if len(self._problems) < PROBLEM_LIMIT:
            self._problems.append(problem)
        if self._first_problem is None or problem.sequence < self._first_problem:
            self._first_problem = problem.sequence

    def _link_check(self, sequence: int, seen: _Seen) -> None:
        """The entry's previous_hash against the hash of the entry numbered one less."""
        if sequence == 1:
            if seen.previous_hash != GENESIS_HASH and seen.content_ok:
                self._report(ChainProblem(0, "changed", "rewritten", 1))
        elif (before := self._window.get(sequence - 1)) is not None:
            self._link_judge(sequence - 1, before, sequence, seen)
        elif self._gap_holds(sequence - 1):
            self._links_due[sequence - 1] = (sequence, seen.previous_hash)
        due = self._links_due.pop(sequence, None)
        if due is not None and (after := self._window.get(due[0])) is not None:
            self._link_judge(sequence, seen, due[0], after)

    def _link_judge(self, before_sequence: int, before: _Seen, sequence: int, seen: _Seen) -> None:
        # Only when both entries match their own hashes: a moved or edited entry is reported
        # as such, and its broken links would only repeat that.
        if before.content_ok and seen.content_ok and seen.previous_hash != before.entry_hash:
            self._report(ChainProblem(before_sequence, "changed", "rewritten", sequence))

    def _original(self, sequence: int) -> int:
        seen = self._window.get(sequence)
        if seen is None or not (seen.content_ok or seen.moved_from):
            return 0
        return seen.moved_from or sequence

    def _moved_resolve(self, sequence: int) -> None:
        """Recognise moved entries, starting from a new one and spreading along links.

        An unexplained entry (its content fails) was moved when its hash fits the number
        its neighbours' links give it; once recognised it may explain its own neighbours.
        """
        pending = [sequence]
        while pending:
            current = pending.pop()
            seen = self._window.get(current)
            if seen is None or (seen.form is not None and not self._moved_try(current, seen)):
                continue
            for neighbour in (
                self._by_previous.get(seen.entry_hash),
                self._by_hash.get(seen.previous_hash),
            ):
                if neighbour is None:
                    continue
                other = self._window.get(neighbour)
                if other is not None and other.form is not None:
                    pending.append(neighbour)

    def _moved_try(self, sequence: int, seen: _Seen) -> bool:
        assert seen.form is not None
        candidates = []
        if seen.previous_hash == GENESIS_HASH:
            candidates.append(1)
        if (before := self._by_hash.get(seen.previous_hash)) and self._original(before):
            candidates.append(self._original(before) + 1)
        if (after := self._by_previous.get(seen.entry_hash)) and self._original(after):
            candidates.append(self._original(after) - 1)
        for candidate in candidates:
            if candidate != sequence and candidate > 0:
                form = dict(seen.form, sequence=candidate)
                if entry_hash_compute(seen.previous_hash, form) == seen.entry_hash:
                    seen.moved_from, seen.form = candidate, None
                    return True
        return False

    def _evict(self) -> None:
        sequence, seen = self._window.popitem(last=False)
        if self._by_hash.get(seen.entry_hash) == sequence:
            del self._by_hash[seen.entry_hash]
        if self._by_previous.get(seen.previous_hash) == sequence:
            del self._by_previous[seen.previous_hash]
        if seen.moved_from:
            self._report(ChainProblem(sequence, "reordered", "moved", seen.moved_from))
        elif not seen.content_ok:
            self._report(ChainProblem(sequence, "changed"))
        if len(self._links_due) > 2 * WINDOW:
            horizon = self.head_sequence - WINDOW
            self._links_due = {k: v for k, v in self._links_due.items() if k > horizon}

    def _gap_add(self, first: int, last: int) -> None:
        self._gaps.append([first, last])
        if len(self._gaps) > GAP_LIMIT:
            old_first, old_last = self._gaps.pop(0)
            self._report(ChainProblem(old_first, "missing", other=old_last))

    def _gap_index(self, sequence: int) -> int:
        index = bisect.bisect_right(self._gaps, sequence, key=lambda gap: gap[0]) - 1
        if index >= 0 and self._gaps[index][0] <= sequence <= self._gaps[index][1]:
            return index
        return -1

    def _gap_holds(self, sequence: int) -> bool:
        return self._gap_index(sequence) >= 0

    def _gap_take(self, sequence: int) -> bool:
        """A late entry fills its place in a gap (True), or it was seen before (False)."""
        index = self._gap_index(sequence)
        if index < 0:
            return False
        first, last = self._gaps[index]
        pieces = [
            piece for piece in ([first, sequence - 1], [sequence + 1, last]) if piece[0] <= piece[1]
        ]
        self._gaps[index : index + 1] = pieces
        return True

    def _root_check(self, root: Mapping[str, Any]) -> RootCheck:
        sequence, root_hash = int(root["sequence"]), str(root["root_hash"])
        found = self._root_found.get(sequence, "")
        if sequence > self.head_sequence:
            status = "beyond"
        elif not found:
            status = "missing"
        elif found != root_hash:
            status = "differs"
        elif self._first_problem is not None and self._first_problem <= sequence:
            status = "broken"
        else:
            status = "extended"
        return RootCheck(str(root["day"]), sequence, root_hash, status, found)


def chain_check(
    entries: Iterable[Mapping[str, Any]],
    roots: Iterable[Mapping[str, Any]] = (),
    *,
    queue: str = "",
) -> ChainReport:
    """Recompute a chain from entries in their stored order and check the roots against it."""
    check = ChainCheck(queue=queue, roots=list(roots))
    for entry in entries:
        check.feed(entry)
    return check.report()


def chain_problems(
    entries: Iterable[Mapping[str, Any]], roots: Iterable[Mapping[str, Any]] = ()
) -> list[ChainProblem]:
    """Every disagreement of a chain with itself and with the roots, in one list.

    Each entry is a dict like queues.ledger.public_form() with "previous_hash" and
    "entry_hash" added; each root has "day", "sequence" and "root_hash".
    """
    report = chain_check(entries, roots)
    return report.problems + [root.as_problem() for root in report.roots_broken]


def entries_from_lines(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Entries of a downloaded ledger.jsonl, one per line; ValueError names a bad line."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            raise ValueError(_("line %(line)s is not JSON") % {"line": number}) from None
        if not isinstance(entry, dict) or any(key not in entry for key in PUBLISHED_KEYS):
            raise ValueError(
                _("line %(line)s is not a ledger entry (it needs the keys %(keys)s)")
                % {"line": number, "keys": ", ".join(PUBLISHED_KEYS)}
            )
        if not isinstance(entry["sequence"], int) or isinstance(entry["sequence"], bool):
            raise ValueError(_("line %(line)s: the sequence is not a number") % {"line": number})
        yield entry
