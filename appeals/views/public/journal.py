"""The lists of appeals: every appeal with filters, and the journal of a range of dates with
its deadlines, as a page and as CSV (no sign-in, public fields only)."""

import csv
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from appeals.forms.public import AppealFilterForm, JournalFilterForm
from appeals.layers import STATUS_COLOURS
from appeals.models import Appeal
from appeals.selectors.public import (
    AppealFilters,
    appeals_public_filtered,
    appeals_with_timeliness,
    journal_count,
    journal_rows,
)

LIST_PAGE_SIZE = 25
JOURNAL_PAGE_SIZE = 100


def _page_of(request: HttpRequest, rows: Any, size: int) -> Page[Any]:
    paginator = Paginator(rows, size)
    return paginator.get_page(request.GET.get("page"))


@require_GET
def appeal_list(request: HttpRequest) -> HttpResponse:
    """Every appeal, newest first, narrowed by category, status, department and dates."""
    form = AppealFilterForm(request.GET or None)
    page = _page_of(request, appeals_public_filtered(form.filters()), LIST_PAGE_SIZE)
    return render(
        request,
        "appeals/public/list.html",
        {"form": form, "page": page, "query": form.query(), "colours": STATUS_COLOURS},
    )


def _journal_page(
    request: HttpRequest, form: JournalFilterForm, *, message: str = "", status: int = 200
) -> HttpResponse:
    filters = form.filters()
    rows = appeals_with_timeliness(appeals_public_filtered(filters), timezone.localdate())
    page = _page_of(request, rows, JOURNAL_PAGE_SIZE)
    return render(
        request,
        "appeals/public/journal.html",
        {
            "form": form,
            "page": page,
            "query": form.query(),
            "filters": filters,
            "message": message,
            "max_days": settings.RGIS_APPEALS_JOURNAL_MAX_DAYS,
            "max_rows": settings.RGIS_APPEALS_JOURNAL_CSV_MAX_ROWS,
        },
        status=status,
    )


@require_GET
def appeal_journal(request: HttpRequest) -> HttpResponse:
    """The journal: the appeals received in a range of dates (the last month unless chosen)
    with their deadlines and answer dates; also as CSV."""
    return _journal_page(request, JournalFilterForm(request.GET, today=timezone.localdate()))


class _Echo:
    def write(self, value: str) -> str:
        return value


def _journal_lines(filters: AppealFilters, limit: int) -> Iterator[str]:
    writer = csv.writer(_Echo())
    labels = dict(Appeal.Status.choices)
    # A byte-order mark: spreadsheet programs then read the Cyrillic as UTF-8.
    yield "\ufeff" + writer.writerow(
        [
            _("Number"),
            _("Received"),
            _("Registered on"),
            _("Category"),
            _("Department"),
            _("Status"),
            _("Answer due"),
            _("Extended until"),
            _("Answered"),
        ]
    )
    language = (get_language() or "kk")[:2]
    for row in journal_rows(filters, language, limit=limit):
        (number, received, registered, category, category_kk, department, department_kk,
         status, deadline, extended, answered) = row  # fmt: skip
        yield writer.writerow(
            [
                number,
                timezone.localtime(received).strftime("%Y-%m-%d %H:%M"),
                registered.isoformat(),
                category or category_kk,
                department or department_kk,
                str(labels.get(status, status)),
                deadline.isoformat(),
                extended.isoformat() if extended else "",
                timezone.localtime(answered).strftime("%Y-%m-%d %H:%M") if answered else "",
            ]
        )


@require_GET
def appeal_journal_csv(request: HttpRequest) -> HttpResponseBase:
    """The journal as CSV (UTF-8), streamed: the page's appeals, in a range of at most
    RGIS_APPEALS_JOURNAL_MAX_DAYS and RGIS_APPEALS_JOURNAL_CSV_MAX_ROWS rows; a bigger
    one is refused on the journal page, with what to narrow."""
    form = JournalFilterForm(request.GET, today=timezone.localdate())
    if not form.dates_valid():
        message = _("The CSV was not made: correct the dates below (at most %(days)s days).") % {
            "days": settings.RGIS_APPEALS_JOURNAL_MAX_DAYS
        }
        return _journal_page(request, form, message=message, status=400)
    filters = form.filters()
    limit = settings.RGIS_APPEALS_JOURNAL_CSV_MAX_ROWS
    if journal_count(filters, at_most=limit + 1) > limit:
        message = _(
            "More than %(count)s appeals match: the CSV holds at most %(count)s. Pick fewer "
            "dates, or a category, status or department."
        ) % {"count": limit}
        return _journal_page(request, form, message=message, status=400)
    response = StreamingHttpResponse(
        _journal_lines(filters, limit), content_type="text/csv; charset=utf-8"
    )
    start, end = filters.received_from, filters.received_to
    response["Content-Disposition"] = f'attachment; filename="appeals-journal-{start}-{end}.csv"'
    return response
