"""Working days on the Kazakh calendar, for the deadlines of the Administrative Procedural
Code (АППК): art. 64 (registered the same day, the next working day after hours) and
art. 76 (answer within 15 working days, forward within 3).

Two sources, the second winning over the first:

- the law, from the `holidays` package's Kazakhstan calendar: the public holidays, the
  weekday a holiday falling on a Saturday or Sunday moves to (Labour Code art. 85; not
  for the religious ones, Orthodox Christmas and Kurban ait), Kurban ait's date, and the
  Government's transfers the package already knows; kept up by its maintainers for every
  year, so no year of the calendar runs out;
- the table of decreed transfers (appeals.CalendarDay), which staff keep as the Government
  publishes each year's decree: a day off moved onto a weekday, a Saturday or Sunday made
  a working day, or a correction of the package (a Kurban ait it estimated wrong).

This module only counts; the table is read in appeals.deadlines.
"""

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass

import holidays

MONDAY_TO_FRIDAY = range(0, 5)
COUNTRY = "KZ"


@functools.cache
def _public_calendar(year: int) -> tuple[frozenset[datetime.date], frozenset[datetime.date]]:
    """(days off, weekend days made working) of a year by the package, made once a process."""
    year_holidays = holidays.country_holidays(COUNTRY, years=year)
    return frozenset(year_holidays), frozenset(year_holidays.weekend_workdays)


def days_off_by_rule(year: int) -> list[tuple[datetime.date, str]]:
    """The year's public holidays and the weekdays they move to, named in English."""
    return sorted(holidays.country_holidays(COUNTRY, years=year, language="en_US").items())


@dataclass(frozen=True)
class WorkCalendar:
    """The law's calendar with the decreed days off and working days laid over it."""

    decreed_days_off: frozenset[datetime.date] = frozenset()
    decreed_working_days: frozenset[datetime.date] = frozenset()

    @classmethod
    def from_days(
        cls, days_off: Iterable[datetime.date], working_days: Iterable[datetime.date]
    ) -> "WorkCalendar":
        return cls(frozenset(days_off), frozenset(working_days))

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.decreed_working_days:
            return True
        if day in self.decreed_days_off:
            return False
        days_off, weekend_working_days = _public_calendar(day.year)
        if day.weekday() in MONDAY_TO_FRIDAY:
            return day not in days_off
        return day in weekend_working_days

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
