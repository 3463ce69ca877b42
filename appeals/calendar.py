"""Working days on the Kazakh calendar, for the deadlines of the Administrative Procedural
Code (АППК): art. 64 (registered the same day, the next working day after hours) and
art. 76 (answer within 15 working days, forward within 3).

A day is a working day when it is Monday to Friday and not a public holiday or a day off
moved onto it, or when a Saturday or Sunday was made a working day by a transfer. The
holidays and transfers are data (appeals.CalendarDay), edited by staff as the Government
publishes each year's decree; this module only counts.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

MONDAY_TO_FRIDAY = range(0, 5)


@dataclass(frozen=True)
class WorkCalendar:
    """Days off that fall on weekdays (holidays, transfers) and weekend days made working."""

    days_off: frozenset[datetime.date]
    working_weekend_days: frozenset[datetime.date]

    @classmethod
    def from_days(
        cls, days_off: Iterable[datetime.date], working_days: Iterable[datetime.date]
    ) -> "WorkCalendar":
        return cls(frozenset(days_off), frozenset(working_days))

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.working_weekend_days:
            return True
        return day.weekday() in MONDAY_TO_FRIDAY and day not in self.days_off

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """The first working day after `day`."""
        candidate = day + datetime.timedelta(days=1)
        while not self.is_working_day(candidate):
            candidate += datetime.timedelta(days=1)
        return candidate

    def registration_day(self, moment: datetime.datetime, closes: datetime.time) -> datetime.date:
        """The day an appeal received at `moment` (local time) counts as registered.

        Art. 64: the same day if it is a working day and office hours have not ended,
        else the next working day.
        """
        day = moment.date()
        if self.is_working_day(day) and moment.time() < closes:
            return day
        return self.next_working_day(day)

    def add_working_days(self, start: datetime.date, count: int) -> datetime.date:
        """The `count`-th working day after `start` (the start day itself is not counted)."""
        day = start
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count = 0
        day = start
        while day < end:
            day += datetime.timedelta(days=1)
            count += self.is_working_day(day)
        return count


def fixed_public_holidays(year: int) -> list[tuple[datetime.date, str]]:
    """The fixed-date public holidays of Kazakhstan (Law on holidays, as amended in 2022).

    Moving ones (Kurban ait) and the Government's transfers are entered by staff.
    """
    dates = [
        (1, 1, "New Year"),
        (1, 2, "New Year"),
        (1, 7, "Orthodox Christmas"),
        (3, 8, "International Women's Day"),
        (3, 21, "Nauryz"),
        (3, 22, "Nauryz"),
        (3, 23, "Nauryz"),
        (5, 1, "Unity Day of the people of Kazakhstan"),
        (5, 7, "Defender of the Fatherland Day"),
        (5, 9, "Victory Day"),
        (7, 6, "Capital Day"),
        (8, 30, "Constitution Day"),
        (10, 25, "Republic Day"),
        (12, 16, "Independence Day"),
    ]
    return [(datetime.date(year, month, day), name) for month, day, name in dates]


# Religious holidays are not moved when they fall on a weekend (Labour Code art. 85).
NOT_MOVED = frozenset({"Orthodox Christmas"})


def days_off_by_rule(year: int) -> list[tuple[datetime.date, str]]:
    """The year's fixed holidays plus the weekdays they move to when they fall on a weekend.

    Labour Code art. 85: a public holiday on a Saturday or Sunday moves the day off to the
    next working day. The Government's decree may move more days; staff add those.
    """
    holidays = fixed_public_holidays(year)
    taken = {day for day, _name in holidays}
    days = list(holidays)
    for day, name in holidays:
        if day.weekday() in MONDAY_TO_FRIDAY or name in NOT_MOVED:
            continue
        moved = day + datetime.timedelta(days=1)
        while moved.weekday() not in MONDAY_TO_FRIDAY or moved in taken:
            moved += datetime.timedelta(days=1)
        taken.add(moved)
        days.append((moved, f"{name} (moved from {day:%d.%m})"))
    return sorted(days)
