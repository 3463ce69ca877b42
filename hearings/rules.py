"""The dates of a hearing the law fixes (Order No. 505 of 30.09.2020): pure rules, no database.

The services check them and say what to change; the database backs them (the check
constraints of hearings.models and the triggers of migration 0001).
"""

import datetime
import zoneinfo

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# Order No. 505: the open meeting is held no earlier than 20 calendar days after the draft
# is announced in the media.
MEETING_MIN_DAYS_AFTER_ANNOUNCEMENT = 20
# Hearings keep Almaty's clock: a meeting "on the 21st" is the 21st in Taraz.
HEARING_TIME_ZONE = "Asia/Almaty"
HEARING_ZONE = zoneinfo.ZoneInfo(HEARING_TIME_ZONE)


def meeting_earliest_day(announced_on: datetime.date) -> datetime.date:
    """The first day an open meeting may be held after an announcement on `announced_on`."""
    return announced_on + datetime.timedelta(days=MEETING_MIN_DAYS_AFTER_ANNOUNCEMENT)


def local_day(moment: datetime.datetime) -> datetime.date:
    """The calendar day of an aware moment on the hearings' clock."""
    return timezone.localtime(moment, timezone=HEARING_ZONE).date()


def schedule_problems(
    *,
    announced_on: datetime.date | None,
    opens_at: datetime.datetime | None,
    closes_at: datetime.datetime | None,
    meetings: list[datetime.datetime],
) -> list[str]:
    """What is wrong with a hearing's dates, each as a sentence the organiser can act on."""
    problems: list[str] = []
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        problems.append(str(_("The comment window must close after it opens.")))
    if announced_on is not None and opens_at is not None and local_day(opens_at) < announced_on:
        problems.append(
            str(
                _(
                    "The comment window cannot open before the announcement "
                    "(%(announced)s): move its opening to that day or later."
                )
                % {"announced": announced_on.isoformat()}
            )
        )
    if announced_on is not None:
        earliest = meeting_earliest_day(announced_on)
        for starts_at in meetings:
            if local_day(starts_at) < earliest:
                problems.append(
                    str(
                        _(
                            "The meeting of %(meeting)s is too early: an open meeting is held "
                            "no earlier than %(days)s calendar days after the announcement "
                            "(Order No. 505), that is on %(earliest)s or later. Move the "
                            "meeting or announce earlier."
                        )
                        % {
                            "meeting": local_day(starts_at).isoformat(),
                            "days": MEETING_MIN_DAYS_AFTER_ANNOUNCEMENT,
                            "earliest": earliest.isoformat(),
                        }
                    )
                )
    if closes_at is not None and meetings and closes_at < max(meetings):
        last = timezone.localtime(max(meetings), timezone=HEARING_ZONE)
        problems.append(
            str(
                _(
                    "The comment window closes before the last meeting (%(meeting)s): "
                    "proposals made at the meeting must fall inside it. Close it at the "
                    "meeting's time or later."
                )
                % {"meeting": last.strftime("%Y-%m-%d %H:%M")}
            )
        )
    return problems


def time_left_words(now: datetime.datetime, closes_at: datetime.datetime) -> str:
    """The countdown to the window's end in words: "12 days left", "5 hours left"."""
    left = closes_at - now
    if left.total_seconds() <= 0:
        return ""
    days = left.days
    if days >= 1:
        return ngettext("%(count)s day left", "%(count)s days left", days) % {"count": days}
    hours = max(1, int(left.total_seconds() // 3600))
    return ngettext("%(count)s hour left", "%(count)s hours left", hours) % {"count": hours}


def days_left(now: datetime.datetime, closes_at: datetime.datetime) -> int:
    """Whole days until the window closes (0 on its last day or after)."""
    return max(0, (closes_at - now).days)
