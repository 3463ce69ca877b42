"""What a recomputation of a queue's hash chain found: its problems and its published roots.

Messages are built when read, in the active language: a report may be cached and read in
another (queues.selectors.verification keeps one per queue for the public page).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class ChainProblem:
    """Where the recomputed chain disagrees with what is stored or was published.

    kind is "changed", "missing", "reordered", "duplicate" or "root"; the message is
    built when read, in the active language (a report may be cached and read in another).
    """

    sequence: int
    kind: str
    cause: str = ""
    other: int = 0

    @property
    def message(self) -> str:
        values = {"sequence": self.sequence, "other": self.other}
        if self.kind == "missing":
            if self.other == self.sequence:
                return _("Entry %(sequence)s is missing: it was removed.") % values
            return _("Entries %(sequence)s–%(other)s are missing: they were removed.") % values
        if self.kind == "reordered" and self.cause == "moved":
            return (
                _(
                    "Entry %(sequence)s holds the entry recorded as number %(other)s: "
                    "entries were moved."
                )
                % values
            )
        if self.kind == "reordered":
            return _("Entry %(sequence)s comes after entry %(other)s: out of order.") % values
        if self.kind == "duplicate":
            return _("Entry %(sequence)s appears more than once.") % values
        if self.cause == "rewritten" and self.sequence == 0:
            return _("Entry 1 does not start the chain: its previous hash is not 64 zeros.")
        if self.cause == "rewritten":
            return (
                _(
                    "Entry %(sequence)s was replaced and its hash recomputed: entry "
                    "%(other)s was chained to a different entry %(sequence)s."
                )
                % values
            )
        return (
            _(
                "Entry %(sequence)s was changed after it was recorded: it no longer "
                "matches its hash."
            )
            % values
        )


@dataclass(frozen=True)
class RootCheck:
    """One published root and whether today's chain still extends it."""

    day: str
    sequence: int
    root_hash: str
    status: str  # "extended", "beyond", "missing", "differs", "broken"
    found_hash: str = ""

    @property
    def extended(self) -> bool:
        return self.status == "extended"

    @property
    def message(self) -> str:
        values = {"day": self.day, "sequence": self.sequence}
        if self.status == "extended":
            return _("Extended: entry %(sequence)s still has the hash published on %(day)s.") % (
                values
            )
        if self.status == "beyond":
            return _("Not extended: the chain ends before entry %(sequence)s.") % values
        if self.status == "missing":
            return _("Not extended: entry %(sequence)s was removed.") % values
        if self.status == "differs":
            return (
                _("Not extended: entry %(sequence)s has a different hash than on %(day)s.") % values
            )
        return (
            _(
                "Not extended: entries up to %(sequence)s were changed, removed or moved "
                "after %(day)s."
            )
            % values
        )

    def as_problem(self) -> ChainProblem:
        return ChainProblem(self.sequence, "root", self.status)


@dataclass
class ChainReport:
    """The outcome of one recomputation of a chain."""

    queue: str
    entries_checked: int
    head_sequence: int
    head_hash: str
    problems: list[ChainProblem]  # the first PROBLEM_LIMIT, in entry order
    problem_count: int
    roots: list[RootCheck]

    @property
    def roots_broken(self) -> list[RootCheck]:
        return [root for root in self.roots if not root.extended]

    @property
    def intact(self) -> bool:
        return self.problem_count == 0 and not self.roots_broken

    @property
    def problems_unlisted(self) -> int:
        return self.problem_count - len(self.problems)

    def summary(self) -> str:
        """One line for an operator or a log: intact or what is wrong."""
        if self.intact:
            return _(
                "The ledger of %(queue)s is intact: %(entries)s entries checked, head "
                "%(sequence)s %(hash)s, %(roots)s published roots extended."
            ) % {
                "queue": self.queue,
                "entries": self.entries_checked,
                "sequence": self.head_sequence,
                "hash": self.head_hash,
                "roots": len(self.roots),
            }
        return _(
            "The ledger of %(queue)s is NOT intact: %(problems)s, %(roots)s of %(all)s "
            "published roots not extended (%(entries)s entries checked)."
        ) % {
            "queue": self.queue,
            "problems": ngettext("%(count)s problem", "%(count)s problems", self.problem_count)
            % {"count": self.problem_count},
            "roots": len(self.roots_broken),
            "all": len(self.roots),
            "entries": self.entries_checked,
        }
