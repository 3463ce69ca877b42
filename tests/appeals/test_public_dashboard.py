"""The accountability dashboard on hand-built appeals with known answer times."""

import datetime
import re

import pytest

from appeals.selectors.dashboard import dashboard_figures, trend_months
from tests.appeals.public_seed import appeal_built, local

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 16)
DUE = datetime.date(2026, 1, 26)  # 15 working days after 5 January 2026


@pytest.fixture
def appeals():
    received = local(2026, 1, 5)
    day = datetime.timedelta(days=1)
    return {
        # Housing and utilities (lighting, water): 2, 4 and 10 days; one open past due.
        "a": appeal_built(received=received, deadline=DUE, answered=received + 2 * day),
        "b": appeal_built(received=received, deadline=DUE, answered=received + 4 * day),
        "c": appeal_built(
            slug="water",
            received=received,
            deadline=datetime.date(2026, 1, 12),
            answered=received + 10 * day,
        ),
        "d": appeal_built(received=local(2026, 2, 2), deadline=datetime.date(2026, 2, 23)),
        # Transport and roads: 6 days; one open, not yet due.
        "e": appeal_built(
            slug="roads", received=received, deadline=DUE, answered=received + 6 * day
        ),
        "f": appeal_built(
            slug="roads", received=local(2026, 3, 10), deadline=datetime.date(2026, 3, 31)
        ),
    }


def test_figures_per_department_per_category_and_in_total(appeals):
    figures = dashboard_figures(today=TODAY)
    housing = next(r for r in figures.departments if r.key == "housing")
    roads = next(r for r in figures.departments if r.key == "roads")
    assert (housing.received, housing.answered, housing.on_time, housing.overdue) == (4, 3, 2, 1)
    assert housing.median_days == pytest.approx(4.0)
    assert housing.p90_days == pytest.approx(8.8)  # 4 + 0.8 × (10 − 4), percentile_cont
    assert housing.on_time_percent == 50  # 2 on time of 3 answered + 1 overdue
    assert (roads.received, roads.answered, roads.overdue, roads.on_time_percent) == (2, 1, 0, 100)
    assert roads.median_days == pytest.approx(6.0)

    total = figures.total
    assert (total.received, total.answered, total.on_time, total.overdue) == (6, 4, 3, 1)
    assert total.median_days == pytest.approx(5.0)
    assert total.p90_days == pytest.approx(8.8)
    assert total.on_time_percent == 60

    lighting = next(r for r in figures.categories if r.key == "lighting")
    assert (lighting.received, lighting.answered, lighting.overdue) == (3, 2, 1)
    assert lighting.median_days == pytest.approx(3.0)
    assert lighting.on_time_percent == 67
    # Categories nobody filed in are left out.
    assert {r.key for r in figures.categories} == {"lighting", "water", "roads"}


def test_the_trend_counts_each_of_the_last_twelve_months(appeals):
    figures = dashboard_figures(today=TODAY)
    assert figures.months == trend_months(TODAY)
    assert figures.months[0] == datetime.date(2025, 4, 1)
    assert figures.months[-1] == datetime.date(2026, 3, 1)
    assert figures.total.trend[-3:] == [4, 1, 1]  # January, February, March 2026
    assert sum(figures.total.trend) == 6
    housing = next(r for r in figures.departments if r.received == 4)
    assert housing.trend[-3:] == [3, 1, 0]


def test_an_answer_on_the_due_date_in_local_time_is_on_time():
    # 23:30 in Taraz on the due date is already the next day in UTC.
    appeal_built(
        received=local(2026, 1, 5), deadline=DUE,
        answered=local(2026, 1, 26, hour=23) + datetime.timedelta(minutes=30),
    )  # fmt: skip
    assert dashboard_figures(today=TODAY).total.on_time == 1


def test_the_page_shows_the_numbers_in_tables_and_charts(
    client, appeals, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        page = client.get("/ru/appeals/dashboard/").content.decode()
    assert "data-total-received>6<" in page
    assert "<svg" in page and "<polyline" in page and "<rect" in page
    row = page.split('data-row="housing"')[1].split("</tr>")[0]
    assert '<th scope="row">Отдел ЖКХ</th>' in row
    assert re.search(r"data-received>4<", row)
    assert re.search(r"data-median>4[,.]0<", row)
    assert re.search(r"data-p90>8[,.]8<", row)
    assert "data-on-time>50%<" in row
    assert "<script" not in page.split("<main")[1].split("</main>")[0]
