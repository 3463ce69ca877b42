import datetime
import zoneinfo

import pytest

from appeals.calendar import days_off_by_rule
from appeals.deadlines import appeal_terms, extension_limit, forward_due
from appeals.models import CalendarDay

pytestmark = pytest.mark.django_db

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=ALMATY)


def test_nauryz_2026_days_off_come_from_the_migration():
    # Nauryz 21-23 March 2026: the Saturday and Sunday move to Tuesday 24 and Wednesday 25.
    days = set(CalendarDay.objects.filter(kind="day_off").values_list("day", flat=True))
    for day in range(21, 26):
        assert datetime.date(2026, 3, day) in days


def test_fifteen_working_days_skip_weekends_and_the_nauryz_holidays():
    registered, due = appeal_terms(at("2026-03-20T10:00"))
    assert registered == datetime.date(2026, 3, 20)
    # 26, 27, 30, 31 March, 1-3, 6-10, 13-15 April: the 15th working day is 15 April.
    assert due == datetime.date(2026, 4, 15)


def test_an_appeal_after_hours_is_registered_the_next_working_day():
    registered, due = appeal_terms(at("2026-03-20T19:05"))
    assert registered == datetime.date(2026, 3, 26)  # Friday evening, then five days off
    assert due == datetime.date(2026, 4, 16)


def test_a_saturday_made_working_by_a_transfer_counts():
    CalendarDay.objects.create(day=datetime.date(2026, 3, 28), kind="working", note="transfer")
    _registered, due = appeal_terms(at("2026-03-20T10:00"))
    assert due == datetime.date(2026, 4, 14)


def test_a_day_off_added_by_staff_pushes_the_deadline():
    CalendarDay.objects.create(day=datetime.date(2026, 4, 3), kind="day_off", note="decree")
    _registered, due = appeal_terms(at("2026-03-20T10:00"))
    assert due == datetime.date(2026, 4, 16)


def test_forwarding_is_due_within_three_working_days():
    assert forward_due(datetime.date(2026, 3, 20)) == datetime.date(2026, 3, 30)


@pytest.mark.parametrize(
    ("registered", "limit"),
    [
        (datetime.date(2026, 8, 31), datetime.date(2026, 10, 31)),
        (datetime.date(2026, 12, 31), datetime.date(2027, 2, 28)),
        (datetime.date(2026, 1, 15), datetime.date(2026, 3, 15)),
    ],
)
def test_an_extension_reaches_at_most_two_months(registered, limit):
    assert extension_limit(registered) == limit


def test_weekend_holidays_move_but_orthodox_christmas_does_not():
    days = dict(days_off_by_rule(2028))
    # 2028: 1 January is a Saturday, 2 January a Sunday; 7 January a Friday.
    assert datetime.date(2028, 1, 3) in days and datetime.date(2028, 1, 4) in days
    assert all("Christmas" not in name or day.day == 7 for day, name in days.items())
