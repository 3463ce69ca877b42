"""The accountability dashboard (appeals.selectors.dashboard, drawn by appeals.charts)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.views.decorators.http import require_GET

from appeals import charts
from appeals.selectors.dashboard import dashboard_figures


@require_GET
def appeal_dashboard(request: HttpRequest) -> HttpResponse:
    """Accountability: received, time to answer, on time, overdue, trend; by department
    and category, as charts and as tables."""
    figures = dashboard_figures()
    month_labels = [date_format(month, "M y") for month in figures.months]
    return render(
        request,
        "appeals/public/dashboard.html",
        {
            "figures": figures,
            "months": list(zip(figures.months, month_labels, strict=True)),
            "trend_chart": charts.month_bars(figures.total.trend, month_labels),
            "department_chart": charts.hbar_chart(figures.departments),
            "category_chart": charts.hbar_chart(figures.categories),
            "department_sparks": [
                (row, charts.sparkline_points(row.trend)) for row in figures.departments
            ],
            "category_sparks": [
                (row, charts.sparkline_points(row.trend)) for row in figures.categories
            ],
        },
    )
