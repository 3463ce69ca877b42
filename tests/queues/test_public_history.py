"""Why a place in line moved, and the estimated wait, on hand-built ledger histories."""

import datetime

import pytest
from django.utils import timezone, translation

from parcels.models import LandPurpose
from queues.ledger import LedgerEvent
from queues.selectors.history import (
    MONTH,
    AllocationPace,
    application_position_change,
    queue_allocation_pace,
    wait_estimate,
    wait_rounded,
)
from queues.selectors.positions import application_position
from queues.services.ledger import ledger_append_many
from tests.factories import QueueFactory
from tests.queues.public_seed import ledger_correct_filed, ledger_register, ledger_status

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def clock():
    """Moments of a scenario: registrations a year ago, `since` 30 days ago."""
    now = timezone.now()
    return {"registered": now - 365 * DAY, "since": now - 30 * DAY, "now": now}


def _line(queue, clock, count, *, filed_days_ago=1000):
    """`count` applications filed a day apart, all registered on the ledger a year ago."""
    now = clock["now"]
    return [
        ledger_register(
            queue,
            number=f"Q-{index:03d}",
            filed_at=now - (filed_days_ago - index) * DAY,
            at=clock["registered"],
        )
        for index in range(count)
    ]


def _change(application, since):
    application.refresh_from_db()
    return application_position_change(
        application, since=since, position_now=application_position(application)
    )


def test_allocations_and_removals_ahead_explain_the_move_with_reasons(queue, clock):
    line = _line(queue, clock, 12)
    mine = line[10]
    after = clock["since"] + DAY
    for application in line[:3]:
        ledger_status(application, "offered", at=after, event="offered")
        ledger_status(application, "allocated", at=after + DAY, event="accepted")
    ledger_status(line[3], "removed", at=after, event="removed", reason="own-request")
    ledger_status(line[4], "removed", at=after, event="removed", reason="own-request")
    ledger_status(line[5], "removed", at=after, event="removed", reason="duplicate")
    # Behind me, or before the date: no part in the change.
    ledger_status(line[11], "removed", at=after, event="removed", reason="death")
    ledger_status(line[6], "removed", at=clock["since"] - DAY, event="removed", reason="death")

    with translation.override("en"):
        change = _change(mine, clock["since"])

    assert change.position_now == 4  # line[7], [8], [9] wait ahead
    assert change.position_then == 10
    assert change.allocated == 3
    assert change.removed == 3
    assert change.removed_by_reason == [("At own request", 2), ("Duplicate registration", 1)]
    assert change.joined == 0
    assert not change.clamped


def test_an_open_offer_counts_as_left_and_a_refusal_as_back_in_line(queue, clock):
    line = _line(queue, clock, 6)
    mine = line[5]
    # Offered before the date, refused since: back ahead of me.
    ledger_status(line[0], "offered", at=clock["since"] - DAY, event="offered")
    ledger_status(line[0], "waiting", at=clock["since"] + DAY, event="refused")
    # Offered since the date and still deciding: not waiting ahead of me now.
    ledger_status(line[1], "offered", at=clock["since"] + DAY, event="offered")

    change = _change(mine, clock["since"])

    assert change.position_now == 5  # [0], [2], [3], [4]
    assert change.offered == 1
    assert change.returned == 1
    assert change.position_then == 5  # then: [1], [2], [3], [4] -> 5th
    assert change.moved == 0


def test_late_registrations_and_corrected_filing_dates_move_people_ahead_or_behind(queue, clock):
    line = _line(queue, clock, 5)
    mine = line[3]
    # Entered from a paper register since the date, with a filing date long before mine.
    ledger_register(
        queue, number="Q-LATE", filed_at=clock["now"] - 2000 * DAY, at=clock["since"] + DAY
    )
    # Filed before me, but its filing time was a typing error: really filed after me.
    ledger_correct_filed(line[1], clock["now"] - 10 * DAY, at=clock["since"] + DAY)
    # Filed after me, corrected to before me.
    ledger_correct_filed(line[4], clock["now"] - 3000 * DAY, at=clock["since"] + 2 * DAY)

    change = _change(mine, clock["since"])

    assert change.position_now == 5  # Q-LATE, [4], [0], [2]
    assert change.registered == 1
    assert change.moved_ahead == 1
    assert change.moved_behind == 1
    assert change.position_then == 4  # [0], [1], [2] ahead then


def test_the_comparison_starts_when_the_application_itself_last_changed(queue, clock):
    line = _line(queue, clock, 5)
    mine = line[4]
    ledger_status(line[0], "allocated", at=clock["since"] + DAY, event="accepted")
    # I was offered a plot and refused it since the date: my place counts from my return.
    returned_at = clock["since"] + 2 * DAY
    ledger_status(mine, "offered", at=clock["since"] + DAY, event="offered")
    ledger_status(mine, "waiting", at=returned_at, event="refused")
    ledger_status(line[1], "removed", at=returned_at + DAY, event="removed", reason="death")

    change = _change(mine, clock["since"])

    assert change.clamped
    assert change.since == returned_at
    assert change.position_then == 4  # [1], [2], [3] ahead at my return
    assert change.position_now == 3
    assert change.removed == 1 and change.allocated == 0


def test_an_application_registered_after_the_date_counts_from_its_registration(queue, clock):
    line = _line(queue, clock, 3)
    registered_at = clock["since"] + 5 * DAY
    mine = ledger_register(queue, number="Q-NEW", filed_at=clock["now"] - 5 * DAY, at=registered_at)
    ledger_status(line[0], "removed", at=registered_at + DAY, event="removed", reason="death")
    change = _change(mine, clock["since"])
    assert change.since == registered_at
    assert (change.position_then, change.position_now, change.removed) == (4, 3, 1)


def test_an_application_not_waiting_has_no_position_change(queue, clock):
    line = _line(queue, clock, 2)
    ledger_status(line[1], "offered", at=clock["since"] + DAY, event="offered")
    line[1].refresh_from_db()
    assert application_position_change(line[1], since=clock["since"], position_now=1) is None


def test_events_of_other_queues_do_not_count(queue, clock):
    other = QueueFactory(
        slug="taraz-lph", settlement=queue.settlement, purpose=LandPurpose.objects.get(code="lph")
    )
    line = _line(queue, clock, 3)
    stranger = ledger_register(
        other, number="O-001", filed_at=clock["now"] - 5000 * DAY, at=clock["registered"]
    )
    ledger_status(stranger, "removed", at=clock["since"] + DAY, event="removed", reason="death")
    change = _change(line[2], clock["since"])
    assert (change.position_then, change.position_now, change.left) == (3, 3, 0)


def _accepted(queue, moments):
    ledger_append_many(
        queue=queue,
        events=[LedgerEvent("accepted", "X", "", {"status_after": "allocated"})],
        at=moments,
    )


def test_the_pace_counts_allocations_per_month_over_the_last_year(queue):
    now = timezone.now()
    for months_ago, count in [(0.5, 3), (1.5, 1), (5.5, 2), (11.5, 4), (12.5, 50)]:
        for _ in range(count):
            _accepted(queue, now - months_ago * MONTH)
    pace = queue_allocation_pace(queue, now=now)
    assert pace.total == 10  # the 50 of thirteen months ago are outside the year
    assert pace.per_month[-1] == 3 and pace.per_month[-2] == 1
    assert pace.per_month[0] == 4
    assert (pace.fewest, pace.most) == (0, 4)


def test_no_allocation_means_no_estimate(queue):
    pace = queue_allocation_pace(queue)
    assert pace.total == 0
    assert wait_estimate(pace, 120) is None


def test_the_wait_range_comes_from_the_slower_and_busier_halves_of_the_year():
    pace = AllocationPace(per_month=(10, 10, 10, 10, 10, 10, 20, 20, 20, 20, 20, 20))
    estimate = wait_estimate(pace, 1200)
    assert estimate.months_shortest == 60
    assert estimate.months_longest == 120
    assert estimate.months_at_average == 80
    rounded = wait_rounded(estimate)
    assert (rounded.unit, rounded.shortest, rounded.longest, rounded.decimals) == (
        "years",
        5,
        10,
        0,
    )


@pytest.mark.parametrize(
    ("per_month", "position", "expected"),
    [
        # A short wait in months, rounded outward.
        ((2,) * 12, 7, ("months", 3, 4, 0)),
        # A couple of years: tenths of a year.
        ((5,) * 6 + (10,) * 6, 150, ("years", 1.2, 2.5, 1)),
        # Half the year without allocations: no upper bound.
        ((0,) * 6 + (3,) * 6, 90, ("years", 2.5, None, 1)),
    ],
)
def test_waits_are_rounded_for_people(per_month, position, expected):
    rounded = wait_rounded(wait_estimate(AllocationPace(per_month=per_month), position))
    assert (rounded.unit, rounded.shortest, rounded.longest, rounded.decimals) == expected


def test_an_approved_back_dated_registration_is_told_as_registered_ahead(queue):
    import datetime as dt

    from django.utils import timezone

    from queues.selectors.history import application_position_change
    from queues.selectors.positions import application_position
    from queues.services.applications import application_register
    from queues.services.backdating import application_backdate_decide
    from tests.factories import StaffUserFactory
    from tests.queues.factories import applications_register, iin_make

    [mine] = applications_register(queue, 1)
    registrar, approver = (StaffUserFactory(role="queue_officer") for _ in range(2))
    pending = application_register(
        queue=queue,
        full_name="Ерте Келген",
        iin=iin_make(60),
        filed_at=mine.filed_at - dt.timedelta(days=1),
        actor=registrar,
        backdate_reason="paper",
        backdate_document="АРХ-1",
        backdate_document_date=dt.date(2020, 1, 1),
    )
    since = timezone.now()  # the resident looked while it was pending
    application_backdate_decide(application=pending, actor=approver, approve=True)

    change = application_position_change(mine, since=since, position_now=application_position(mine))
    assert change.registered == 1
    assert change.returned == 0  # not "came back after refusing an offer"
    assert change.position_then == 1
