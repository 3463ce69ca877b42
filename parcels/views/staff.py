"""Planners' pages of the parcel registry: the import of a parcels layer."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from geodata.selectors import version_attribute_table
from parcels.forms import ColumnMappingForm, VersionChoiceForm, column_guesses
from parcels.importing.core import parcels_import_from_version
from parcels.importing.report import ParcelImportReport
from parcels.selectors import parcel_layer_version_get, parcel_layer_versions, version_fields
from rgis.errors import Refusal
from rgis.staff_actions import capability_required, refusal_text
from staff.roles import capability

PREVIEW_ATTRIBUTE_ROWS = 10
REFUSED_SHOWN = 200

MANAGE_PARCELS = capability("manage_parcels")


@require_http_methods(["GET", "POST"])
@capability_required(MANAGE_PARCELS)
def parcel_import_page(request: HttpRequest) -> HttpResponse:
    """Pick a parcels layer version, map its columns, preview (a dry run), import."""
    versions = list(parcel_layer_versions())
    choice = VersionChoiceForm(request.GET or None, versions=versions)
    version = None
    if choice.is_valid():
        version = parcel_layer_version_get(choice.cleaned_data["version"])
    context: dict[str, Any] = {"choice": choice, "versions": versions, "version": version}
    if version is None:
        return render(request, "parcels/staff_import.html", context)

    fields = version_fields(version)
    guesses = column_guesses(fields)
    form = ColumnMappingForm(
        request.POST or None,
        fields=fields,
        initial={f"column_{target}": column for target, column in guesses.items()},
    )
    report: ParcelImportReport | None = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            commit = "import" in request.POST
            try:
                report = parcels_import_from_version(
                    version=version,
                    mapping=form.mapping(),
                    settlement=form.cleaned_data["settlement"],
                    purpose=form.cleaned_data["purpose_default"],
                    actor=request.user,
                    commit=commit,
                )
            except Refusal as refusal:
                form.add_error(None, refusal_text(refusal))
            else:
                status = 200
                if commit:
                    messages.success(
                        request,
                        _(
                            "Imported: %(created)s new parcels, %(updated)s updated, "
                            "%(refused)s rows refused."
                        )
                        % {
                            "created": report.created,
                            "updated": report.updated,
                            "refused": len(report.refused),
                        },
                    )
    table = version_attribute_table(version, limit=PREVIEW_ATTRIBUTE_ROWS)
    context.update(
        {
            "form": form,
            "table": table,
            "report": report,
            "refused_shown": report.refused[:REFUSED_SHOWN] if report else [],
            "refused_more": max(0, len(report.refused) - REFUSED_SHOWN) if report else 0,
        }
    )
    return render(request, "parcels/staff_import.html", context, status=status)
