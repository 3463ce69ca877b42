"""Why a place in line moved, and how long the wait may still be: read from the ledger.

The ledger records every change of every application (registration, offer, allocation,
refusal, removal, correction), so the state of any application at a past moment is the fold
of its entries up to that moment. Details carry the state after the event under
"status_after" (offers, allocations, removals) or "status" (registration, verification,
correction), the filing time under "filed_at" or "filed_at_after" (a corrected filing
time), and a removal's reason code under "reason".

Only applications with entries since the chosen moment can have changed place relative to
the resident's: the rest are read neither from the ledger nor from the table, so the
answer costs a few index reads whatever the queue's length.
"""

import datetime
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, router
from django.db.models import Q
from django.utils import timezone

from queues.models import Application, LedgerEntry, Queue, RemovalReason

WAITING = Application.Status.WAITING
# The status an event leaves behind when its details do not say (older entries).
EVENT_STATUS: dict[str, str] = {
    LedgerEntry.Event.REGISTERED: Application.Status.WAITING,
    LedgerEntry.Event.OFFERED: Application.Status.OFFERED,
    LedgerEntry.Event.ACCEPTED: Application.Status.ALLOCATED,
    LedgerEntry.Event.REFUSED: Application.Status.WAITING,
    LedgerEntry.Event.EXPIRED: Application.Status.WAITING,
    LedgerEntry.Event.REMOVED: Application.Status.REMOVED,
}


@dataclass(frozen=True)
class LedgerState:
    """An application as the ledger knew it at some moment."""

    status: str
    filed_at: datetime.datetime | None


def _moment(text: Any) -> datetime.datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def ledger_state_fold(
    state: LedgerState | None, event: str, details: dict[str, Any]
) -> LedgerState:
    """The state after one more ledger entry of the same application."""
    status = (
        details.get("status_after")
        or details.get("status")
        or EVENT_STATUS.get(event)
        or (state.status if state else WAITING)
    )
    filed_at = _moment(details.get("filed_at_after")) or _moment(details.get("filed_at"))
    if filed_at is None and state is not None:
        filed_at = state.filed_at
    return LedgerState(status=str(status), filed_at=filed_at)


@dataclass(frozen=True)
class PositionChange:
    """How a waiting application's place moved between `since` and now, and why.

    position_then = position_now + left - joined: people ahead who left the waiting line
    (allocated, offered now, removed, moved behind by a corrected filing time) and people
    who came in ahead (back from a refused or expired offer, registered late with an earlier
    filing time, moved ahead by a correction).
    """

    since: datetime.datetime
    asked_since: datetime.datetime
    position_then: int
    position_now: int
    allocated: int = 0
    offered: int = 0
    removed: int = 0
    removed_by_reason: list[tuple[str, int]] = field(default_factory=list)
    moved_behind: int = 0
    returned: int = 0
    registered: int = 0
    moved_ahead: int = 0

    @property
    def left(self) -> int:
        return self.allocated + self.offered + self.removed + self.moved_behind

    @property
    def joined(self) -> int:
        return self.returned + self.registered + self.moved_ahead

    @property
    def moved(self) -> int:
        """Places gained (positive) or lost (negative)."""
        return self.position_then - self.position_now

    @property
    def clamped(self) -> bool:
        """Whether the comparison starts later than asked (the ledger knows no earlier place)."""
        return self.since > self.asked_since


def _own_last_change(application: Application) -> datetime.datetime | None:
    """When the application last changed status or filing time, by its own ledger entries."""
    entries = LedgerEntry.objects.filter(
        queue_id=application.queue_id, application_number=application.number
    ).order_by("sequence")
    state: LedgerState | None = None
    changed_at = None
    for event, details, recorded_at in entries.values_list("event", "details", "recorded_at"):
        after = ledger_state_fold(state, event, details or {})
        if after != state:
            changed_at = recorded_at
        state = after
    return changed_at


def application_position_change(
    application: Application, *, since: datetime.datetime, position_now: int
) -> PositionChange | None:
    """Why a waiting application's place changed since a moment; None when not waiting.

    The comparison starts at `since`, or later where the application itself changed since
    (registered, back from an offer, filing time corrected): before that it had no place,
    or another one, and nobody can say how the others moved relative to it.
    """
    if application.status != WAITING:
        return None
    last_change = _own_last_change(application)
    start = max(since, last_change) if last_change is not None else since
    mine = (application.filed_at, application.number)

    touched = (
        LedgerEntry.objects.filter(queue_id=application.queue_id, recorded_at__gt=start)
        .exclude(application_number="")
        .exclude(application_number=application.number)
    )
    # Ahead now, or moved by a correction (then it may have been ahead before).
    candidates = list(
        Application.objects.filter(
            queue_id=application.queue_id,
            number__in=touched.values("application_number"),
        )
        .filter(
            Q(filed_at__lt=application.filed_at)
            | Q(filed_at=application.filed_at, number__lt=application.number)
            | Q(
                number__in=touched.filter(event=LedgerEntry.Event.CORRECTED).values(
                    "application_number"
                )
            )
        )
        .select_related("removal_reason")
        .only("number", "filed_at", "status", "removal_reason")
    )
    states_then = _states_at(application.queue_id, [c.number for c in candidates], start)

    counts: Counter[str] = Counter()
    reasons: Counter[RemovalReason | None] = Counter()
    for other in candidates:
        then = states_then.get(other.number)
        ahead_then = (
            then is not None
            and then.status == WAITING
            and ((then.filed_at or other.filed_at), other.number) < mine
        )
        ahead_now = other.status == WAITING and (other.filed_at, other.number) < mine
        if ahead_then and not ahead_now:
            if other.status == Application.Status.REMOVED:
                counts["removed"] += 1
                reasons[other.removal_reason] += 1
            elif other.status in (Application.Status.ALLOCATED, Application.Status.OFFERED):
                counts[other.status] += 1
            else:
                counts["moved_behind"] += 1
        elif ahead_now and not ahead_then:
            # A back-dated registration approved since counts as registered ahead.
            if then is None or then.status == Application.Status.PENDING:
                counts["registered"] += 1
            elif then.status != WAITING:
                counts["returned"] += 1
            else:
                counts["moved_ahead"] += 1
    left = counts["allocated"] + counts["offered"] + counts["removed"] + counts["moved_behind"]
    joined = counts["returned"] + counts["registered"] + counts["moved_ahead"]
    return PositionChange(
        since=start,
        asked_since=since,
        position_then=position_now + left - joined,
        position_now=position_now,
        allocated=counts["allocated"],
        offered=counts["offered"],
        removed=counts["removed"],
        removed_by_reason=sorted(
            ((reason.name if reason else "?", count) for reason, count in reasons.items()),
            key=lambda pair: (-pair[1], pair[0]),
        ),
        moved_behind=counts["moved_behind"],
        returned=counts["returned"],
        registered=counts["registered"],
        moved_ahead=counts["moved_ahead"],
    )


def _states_at(
    queue_id: int, numbers: Iterable[str], moment: datetime.datetime
) -> dict[str, LedgerState]:
    """The ledger's state of each application at a moment (absent: not registered yet)."""
    numbers = list(numbers)
    if not numbers:
        return {}
    entries = (
        LedgerEntry.objects.filter(
            queue_id=queue_id, application_number__in=numbers, recorded_at__lte=moment
        )
        .order_by("application_number", "sequence")
        .values_list("application_number", "event", "details")
    )
    states: dict[str, LedgerState] = {}
    for number, event, details in entries:
        states[number] = ledger_state_fold(states.get(number), event, details or {})
    return states


# The pace of allocations: twelve rolling months of the Gregorian year's mean length.
MONTH = datetime.timedelta(days=365.2425 / 12)
PACE_MONTHS = 12

PACE_SQL = """
SELECT floor(extract(epoch FROM (%(now)s - recorded_at)) / %(month)s)::int AS months_ago,
       count(*)
FROM queues_ledgerentry
WHERE queue_id = %(queue)s AND event = 'accepted'
  AND recorded_at > %(start)s AND recorded_at <= %(now)s
GROUP BY 1
"""


@dataclass(frozen=True)
class AllocationPace:
    """Plots allocated in a queue in each of the last twelve months (oldest first)."""

    per_month: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.per_month)

    @property
    def fewest(self) -> int:
        return min(self.per_month)

    @property
    def most(self) -> int:
        return max(self.per_month)

    @property
    def slower_half(self) -> float:
        """Plots per month in the six slowest months."""
        ordered = sorted(self.per_month)
        return sum(ordered[: PACE_MONTHS // 2]) / (PACE_MONTHS // 2)

    @property
    def faster_half(self) -> float:
        """Plots per month in the six busiest months."""
        ordered = sorted(self.per_month)
        return sum(ordered[PACE_MONTHS // 2 :]) / (PACE_MONTHS // 2)


def queue_allocation_pace(
    queue: Queue | int, *, now: datetime.datetime | None = None
) -> AllocationPace:
    """Allocations (ledger `accepted` entries) per month over the last twelve months."""
    now = now or timezone.now()
    queue_id = queue if isinstance(queue, int) else queue.pk
    alias = router.db_for_read(LedgerEntry)
    with connections[alias].cursor() as cursor:
        cursor.execute(
            PACE_SQL,
            {
                "queue": queue_id,
                "now": now,
                "start": now - PACE_MONTHS * MONTH,
                "month": MONTH.total_seconds(),
            },
        )
        by_age = {int(age): int(count) for age, count in cursor.fetchall()}
    return AllocationPace(
        per_month=tuple(by_age.get(age, 0) for age in reversed(range(PACE_MONTHS)))
    )


@dataclass(frozen=True)
class WaitEstimate:
    """A range of months until a place reaches the head, if the recent pace holds.

    The range comes from the pace of the busier and the slower half of the last twelve
    months: months_longest is None when half the year saw no allocation (no upper bound).
    """

    months_shortest: float
    months_longest: float | None
    months_at_average: float


def wait_estimate(pace: AllocationPace, position: int) -> WaitEstimate | None:
    """How long `position` people may take to be served at the recent pace; None: no pace."""
    if pace.total == 0 or position < 1:
        return None
    average = pace.total / PACE_MONTHS
    return WaitEstimate(
        months_shortest=position / pace.faster_half,
        months_longest=position / pace.slower_half if pace.slower_half else None,
        months_at_average=position / average,
    )


@dataclass(frozen=True)
class RoundedWait:
    """A wait range in the unit a person thinks in: months up to two years, years beyond."""

    unit: str  # "months" or "years"
    shortest: float
    longest: float | None
    decimals: int


def wait_rounded(estimate: WaitEstimate) -> RoundedWait:
    """Round outward (the shortest down, the longest up) so the range stays honest."""
    longest = estimate.months_longest
    if (longest if longest is not None else estimate.months_shortest) <= 24:
        return RoundedWait(
            unit="months",
            shortest=max(1, math.floor(estimate.months_shortest)),
            longest=None if longest is None else max(1, math.ceil(longest)),
            decimals=0,
        )
    shortest_years = estimate.months_shortest / 12
    longest_years = None if longest is None else longest / 12
    top = longest_years if longest_years is not None else shortest_years
    # Tenths of a year mean something for a short wait; for five years and more they do not.
    decimals = 1 if top < 5 or shortest_years < 1 else 0
    step = 10**decimals
    low = max(math.floor(shortest_years * step) / step, 1 / step)
    high = None if longest_years is None else math.ceil(longest_years * step) / step
    return RoundedWait(unit="years", shortest=low, longest=high, decimals=decimals)
