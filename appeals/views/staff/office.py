"""The front office: an operator files an appeal for a walk-in or phone visitor, and
prints its receipt. Open to every operator, whatever his departments."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from appeals.forms.staff import FrontOfficeForm
from appeals.models import Appeal
from appeals.notifications import appeal_link
from appeals.selectors.staff import HANDLE_APPEALS, appeal_may_process, appeal_receipt_get_for_staff
from appeals.services.filing import appeal_file
from rgis.errors import Refusal
from rgis.staff_actions import capability_required

LAST_CHANNEL = "appeals_front_office_channel"

_operator = capability_required(HANDLE_APPEALS)


@_operator
@require_http_methods(["GET", "POST"])
def front_office(request: HttpRequest) -> HttpResponse:
    """File an appeal for a walk-in or phone visitor; then its receipt."""
    channel = request.session.get(LAST_CHANNEL, Appeal.Channel.WALK_IN)
    form = FrontOfficeForm(request.POST or None, initial={"channel": channel})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appeal, _created = appeal_file(
                category=data["category"],
                lat=data["lat"],
                lon=data["lon"],
                description=data["description"],
                applicant=form.applicant(),
                anonymous=data["anonymous"],
                address=data["address"],
                channel=data["channel"],
                idempotency_key=data["idempotency_key"],
                actor=request.user,
            )
        except ValidationError as error:  # the IIN (rgis.personal.InvalidIIN)
            form.add_error("iin", error)
        except Refusal as refusal:
            form.add_error(None, str(refusal))
        else:
            request.session[LAST_CHANNEL] = data["channel"]
            return redirect("appeals_staff:receipt", number=appeal.number)
    west, south, east, north = settings.RGIS_APPEALS_BOUNDS
    return render(
        request,
        "appeals/staff/front_office.html",
        {
            "form": form,
            "map_centre": [(south + north) / 2, (west + east) / 2],
            "map_bounds": [[south, west], [north, east]],
            "basemap_url": settings.RGIS_BASEMAP_URL,
            "basemap_attribution": settings.RGIS_BASEMAP_ATTRIBUTION,
        },
        status=400 if form.is_bound else 200,
    )


@_operator
@require_GET
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    """The printable receipt (талон): number, when, who accepted it, the term, the link."""
    appeal = appeal_receipt_get_for_staff(user=request.user, number=number)
    return render(
        request,
        "appeals/staff/receipt.html",
        {
            "appeal": appeal,
            "follow_link": request.build_absolute_uri(appeal_link(number)),
            "may_open": appeal_may_process(user=request.user, appeal=appeal),
        },
    )
