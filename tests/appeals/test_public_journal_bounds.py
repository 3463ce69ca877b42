"""The journal and its CSV are bounded: a range of received dates (the last month unless
chosen, at most RGIS_APPEALS_JOURNAL_MAX_DAYS) and at most RGIS_APPEALS_JOURNAL_CSV_MAX_ROWS
rows; the default CSV holds what the page shows."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone

from tests.appeals.public_seed import appeal_built, local

pytestmark = pytest.mark.django_db


def csv_numbers(response) -> list[str]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return [row[0] for row in list(csv.reader(io.StringIO(text)))[1:]]


def page_numbers(page: str) -> list[str]:
    return re.findall(r'data-appeal="([^"]+)"', page)


def built_days_ago(days: int, slug: str = "lighting"):
    received = timezone.localtime() - datetime.timedelta(days=days)
    return appeal_built(
        slug=slug, received=received, deadline=received.date() + datetime.timedelta(days=21)
    )


def test_the_default_csv_holds_what_the_page_shows(client):
    recent = [built_days_ago(days) for days in (0, 3, 12, 29)]
    older = [built_days_ago(days) for days in (45, 200)]
    page = client.get("/en/appeals/journal/").content.decode()
    shown = page_numbers(page)
    assert set(shown) == {appeal.number for appeal in recent}
    start = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert f'name="received_from" value="{start}"' in page
    assert "Without dates the journal shows the last month" in page
    assert "at most 20000 of them" in page
    link = re.search(r'href="(/en/appeals/journal\.csv\?[^"]*)" data-csv', page)[1]
    from_link = csv_numbers(client.get(link.replace("&amp;", "&")))
    default = csv_numbers(client.get("/en/appeals/journal.csv"))
    assert sorted(default) == sorted(from_link) == sorted(shown)
    assert not {appeal.number for appeal in older} & set(default)


def test_a_range_over_a_year_is_refused_with_the_reason(client):
    built_days_ago(3)
    response = client.get("/en/appeals/journal.csv?received_from=2020-01-01&received_to=2026-01-01")
    assert response.status_code == 400 and not response.streaming
    page = response.content.decode()
    assert "The CSV was not made: correct the dates below (at most 366 days)." in page
    assert "Pick at most 366 days at a time." in page
    # The page itself shows the default range with the same error.
    page = client.get("/en/appeals/journal/?received_from=2020-01-01&received_to=2026-01-01")
    assert "Pick at most 366 days at a time." in page.content.decode()


def test_a_csv_over_the_row_cap_is_refused_and_a_narrower_one_is_made(client, settings):
    settings.RGIS_APPEALS_JOURNAL_CSV_MAX_ROWS = 3
    for days in (1, 2, 3, 4):
        built_days_ago(days)
    road = built_days_ago(5, slug="roads")
    response = client.get("/en/appeals/journal.csv")
    assert response.status_code == 400
    assert "More than 3 appeals match: the CSV holds at most 3." in response.content.decode()
    narrower = client.get("/en/appeals/journal.csv?category=roads")
    assert narrower.status_code == 200 and csv_numbers(narrower) == [road.number]


def test_the_csv_reads_in_batches_after_the_last_row(client, settings, django_assert_num_queries):
    from appeals.selectors.public import AppealFilters, journal_rows

    same_moment = local(2026, 3, 2)
    built = [
        appeal_built(received=same_moment, deadline=datetime.date(2026, 3, 23)) for _ in range(5)
    ]
    filters = AppealFilters(
        received_from=datetime.date(2026, 3, 1), received_to=datetime.date(2026, 3, 31)
    )
    with django_assert_num_queries(3):  # batches of 2: 2 + 2 + 1
        numbers = [row[0] for row in journal_rows(filters, "en", limit=100, batch=2)]
    assert numbers == [appeal.number for appeal in sorted(built, key=lambda a: a.pk)]
    assert len(list(journal_rows(filters, "en", limit=4, batch=2))) == 4
