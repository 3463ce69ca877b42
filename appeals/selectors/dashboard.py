"""The accountability dashboard: who received how many appeals and how fast they answered.

Figures come from SQL (percentile_cont for the median and the 90th percentile) in two
statements; appeals.charts draws them as inline SVG on the server.

Definitions the page states too:
- time to answer: from receipt to the answer, in days (calendar, with fractions);
- answered on time: the answer's date (local time) is on or before the due date (the
  extended one if the term was extended);
- share on time: answered on time out of the appeals answered or already past their due
  date while still open (an appeal nobody answers counts against the department at once);
- overdue now: open (registered or in progress) and past the due date today.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language

from appeals.models import Appeal, Category, Department

TREND_MONTHS = 12

_FIGURES_SQL = """
WITH base AS (
    SELECT a.department_id, a.category_id, a.status, a.answered_at,
           COALESCE(a.extended_until, a.deadline) AS due,
           EXTRACT(EPOCH FROM (a.answered_at - a.received_at)) / 86400.0 AS answer_days
    FROM appeals_appeal a
)
SELECT GROUPING(department_id) AS by_category, GROUPING(category_id) AS by_department,
       department_id, category_id,
       count(*) AS received,
       count(answered_at) AS answered,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY answer_days) AS median_days,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY answer_days) AS p90_days,
       count(*) FILTER (WHERE (answered_at AT TIME ZONE %(tz)s)::date <= due) AS on_time,
       count(*) FILTER (WHERE status = ANY(%(open)s) AND due < %(today)s) AS overdue
FROM base
GROUP BY GROUPING SETS ((department_id), (category_id), ())
"""

_TREND_SQL = """
WITH months AS (
    SELECT generate_series(%(first)s::date, %(last)s::date, interval '1 month')::date AS month
), base AS (
    SELECT a.department_id, a.category_id,
           date_trunc('month', a.received_at AT TIME ZONE %(tz)s)::date AS month
    FROM appeals_appeal a
    WHERE a.received_at >= %(since)s
)
SELECT GROUPING(b.department_id) AS by_category, GROUPING(b.category_id) AS by_department,
       b.department_id, b.category_id, b.month, count(*) AS received
FROM base b JOIN months m ON m.month = b.month
GROUP BY GROUPING SETS ((b.department_id, b.month), (b.category_id, b.month), (b.month))
"""


@dataclass
class Figures:
    """One row of the dashboard: a department, a category, or everything."""

    name: str
    key: str = ""  # the department's or category's code
    received: int = 0
    answered: int = 0
    median_days: float | None = None
    p90_days: float | None = None
    on_time: int = 0
    overdue: int = 0
    trend: list[int] = field(default_factory=list)

    @property
    def judged(self) -> int:
        """Appeals whose timeliness is known: answered, or open past their due date."""
        return self.answered + self.overdue

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.judged if self.judged else None

    @property
    def on_time_percent(self) -> int | None:
        share = self.on_time_share
        return None if share is None else round(share * 100)


@dataclass
class Dashboard:
    total: Figures
    departments: list[Figures]
    categories: list[Figures]
    months: list[datetime.date]


def _month_add(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def trend_months(today: datetime.date, count: int = TREND_MONTHS) -> list[datetime.date]:
    """The first days of the last `count` months, this one last."""
    this_month = today.replace(day=1)
    return [_month_add(this_month, offset) for offset in range(1 - count, 1)]


def dashboard_figures(today: datetime.date | None = None) -> Dashboard:
    """Received, time to answer, on-time share, overdue and trend per department and category."""
    today = today or timezone.localdate()
    months = trend_months(today)
    language = (get_language() or "kk")[:2]
    departments = {d.pk: d for d in Department.objects.all()}
    categories = {c.pk: c for c in Category.objects.all()}
    since = timezone.make_aware(datetime.datetime.combine(months[0], datetime.time.min))
    with connection.cursor() as cursor:
        cursor.execute(
            _FIGURES_SQL,
            {
                "tz": settings.TIME_ZONE,
                "open": [str(s) for s in Appeal.OPEN_STATUSES],
                "today": today,
            },
        )
        figure_rows = cursor.fetchall()
        cursor.execute(
            _TREND_SQL,
            {"tz": settings.TIME_ZONE, "first": months[0], "last": months[-1], "since": since},
        )
        trend_rows = cursor.fetchall()

    def blank(name: str, key: str = "") -> Figures:
        return Figures(name=name, key=key, trend=[0] * len(months))

    def name_of(model: Department | Category) -> str:
        return getattr(model, f"name_{language}", "") or model.name_kk

    total = blank("")
    by_department = {pk: blank(name_of(d), d.slug) for pk, d in departments.items()}
    by_category = {pk: blank(name_of(c), c.slug) for pk, c in categories.items()}

    def row_for(by_category_flag: int, by_department_flag: int, dep: int, cat: int) -> Figures:
        if by_category_flag and by_department_flag:
            return total
        if by_department_flag:  # category grouped away: a department's row
            return by_department[dep]
        return by_category[cat]

    for by_cat, by_dep, dep, cat, received, answered, median, p90, on_time, overdue in figure_rows:
        row = row_for(by_cat, by_dep, dep, cat)
        row.received, row.answered, row.on_time, row.overdue = received, answered, on_time, overdue
        row.median_days = None if median is None else float(median)
        row.p90_days = None if p90 is None else float(p90)
    index = {month: position for position, month in enumerate(months)}
    for by_cat, by_dep, dep, cat, month, received in trend_rows:
        row_for(by_cat, by_dep, dep, cat).trend[index[month]] = received

    def listed(rows: dict[int, Figures]) -> list[Figures]:
        return sorted(
            (row for row in rows.values() if row.received), key=lambda r: (-r.received, r.name)
        )

    return Dashboard(
        total=total,
        departments=listed(by_department),
        categories=listed(by_category),
        months=months,
    )
