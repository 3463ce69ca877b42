"""Pages of the parcel registry: search and the parcel page (public, no JavaScript needed
but for the map), and the planners' import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from geodata.lookups import LookupTimedOut, WhatsHere, whats_here
from geodata.models import LayerVersion
from geodata.selectors import version_attribute_table
from parcels.forms import ColumnMappingForm, VersionChoiceForm, column_guesses
from parcels.importing import ParcelImportReport, parcels_import_from_version, version_fields
from parcels.maps import parcel_map_render
from parcels.models import Parcel
from parcels.selectors import parcel_layer_versions, parcel_public_get, parcel_search
from rgis.errors import Refusal
from staff.roles import capability

PAGE_SIZE = 25
PREVIEW_ATTRIBUTE_ROWS = 10
REFUSED_SHOWN = 200


@require_GET
def parcel_search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    too_short = 0 < len(query) < 2
    page = None
    if query and not too_short:
        paginator = Paginator(parcel_search(query), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "parcels/search.html",
        {"query": query, "too_short": too_short, "page": page},
    )


@require_GET
def parcel_page(request: HttpRequest, cadastral_number: str) -> HttpResponse:
    try:
        parcel = parcel_public_get(cadastral_number)
    except Parcel.DoesNotExist:
        raise Http404(_("No parcel with this cadastral number.")) from None
    here: WhatsHere | None = None
    lookup_failed = False
    inside = parcel.inside  # type: ignore[attr-defined]
    try:
        here = whats_here(lat=inside.y, lon=inside.x)
    except LookupTimedOut:
        lookup_failed = True  # the page still shows the parcel itself
    return render(
        request,
        "parcels/detail.html",
        {
            "parcel": parcel,
            "here": here,
            "zone_attributes": list(here.zone.attributes.items())[:6] if here and here.zone else [],
            "lookup_failed": lookup_failed,
            "map": parcel_map_render(parcel),
        },
    )


MANAGE_PARCELS = capability("manage_parcels")


@require_http_methods(["GET", "POST"])
@login_required
@permission_required(MANAGE_PARCELS, raise_exception=True)
def parcel_import_page(request: HttpRequest) -> HttpResponse:
    """Pick a parcels layer version, map its columns, preview (a dry run), import."""
    versions = list(parcel_layer_versions())
    choice = VersionChoiceForm(request.GET or None, versions=versions)
    version = None
    if choice.is_valid():
        version = LayerVersion.objects.select_related("layer__plan").get(
            pk=choice.cleaned_data["version"]
        )
    context: dict = {"choice": choice, "versions": versions, "version": version}
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
                    dry_run=not commit,
                )
            except Refusal as refusal:
                form.add_error(None, str(refusal))
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
