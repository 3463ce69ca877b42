"""The deadlines of an appeal on the work calendar: the law's holidays (appeals.calendar)
and the decreed transfers kept in the database (АППК arts. 64, 76)."""

import datetime

from django.conf import settings
from django.utils import timezone

from appeals.calendar import WorkCalendar
from appeals.models import Appeal, CalendarDay
from rgis.memo import ProcessMemo

# Art. 76: an answer within 15 working days; an appeal outside the akimat's competence is
# forwarded within 3 working days; the head may extend the term up to two months.
ANSWER_WORKING_DAYS = 15
FORWARD_WORKING_DAYS = 3
EXTENSION_MAX_MONTHS = 2


def _work_calendar_read() -> WorkCalendar:
    days = list(CalendarDay.objects.values_list("day", "kind"))
    return WorkCalendar.from_days(
        (day for day, kind in days if kind == CalendarDay.Kind.DAY_OFF),
        (day for day, kind in days if kind == CalendarDay.Kind.WORKING),
    )


# Read for every appeal filed; staff add each year's decree once (the admin clears it).
work_calendar_memo = ProcessMemo(_work_calendar_read)


def work_calendar() -> WorkCalendar:
    """The law's calendar with the transfers staff keep: days off and days made working."""
    return work_calendar_memo.get()


def office_closes() -> datetime.time:
    hours, minutes = settings.RGIS_APPEALS_OFFICE_CLOSES.split(":")
    return datetime.time(int(hours), int(minutes))


def appeal_terms(
    received_at: datetime.datetime, calendar: WorkCalendar | None = None
) -> tuple[datetime.date, datetime.date]:
    """(registered on, answer due) for an appeal received at that moment."""
    calendar = calendar or work_calendar()
    local = timezone.localtime(received_at)
    registered = calendar.registration_day(local, office_closes())
    return registered, calendar.add_working_days(registered, ANSWER_WORKING_DAYS)


def forward_due(
    registered_on: datetime.date, calendar: WorkCalendar | None = None
) -> datetime.date:
    """The last day to forward an appeal outside the akimat's competence."""
    calendar = calendar or work_calendar()
    return calendar.add_working_days(registered_on, FORWARD_WORKING_DAYS)


def extension_limit(registered_on: datetime.date) -> datetime.date:
    """The latest date an extension may reach: two months after registration."""
    month = registered_on.month - 1 + EXTENSION_MAX_MONTHS
    year, month = registered_on.year + month // 12, month % 12 + 1
    for day in range(registered_on.day, 0, -1):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue  # 31 August + 2 months: 30 October... the month's last day
    raise AssertionError("unreachable")


def appeal_due_state(appeal: Appeal, today: datetime.date) -> str:
    """How the appeal stands against its due date (the extended one, if any): "met" or
    "late" once answered, "overdue" or "pending" while open, "" otherwise."""
    if appeal.answered_at is not None:
        answered_on = timezone.localtime(appeal.answered_at).date()
        return "met" if answered_on <= appeal.due else "late"
    if appeal.status in Appeal.OPEN_STATUSES:
        return "overdue" if appeal.due < today else "pending"
    return ""
