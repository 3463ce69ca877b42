"""Queue officers' pages that hand out parcels: an offer to the head of the queue, lots drawn
among the next in line, and the applicant's acceptance or signed refusal of an offer."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from queues.forms import DrawForm, OfferForm, RefusalForm, form_errors_labelled
from queues.selectors.staff import (
    ALLOCATE_PLOTS,
    MANAGE_QUEUES,
    application_by_number,
    application_in_queue,
    offer_get_for_staff,
    queue_get_for_staff,
)
from queues.services.draws import lots_draw
from queues.services.offers import offer_accept, offer_to_head
from queues.services.refusals import (
    offer_refusal_confirm,
    offer_refusal_reject,
    offer_refusal_request,
)
from rgis.errors import Refusal
from rgis.staff_actions import capability_required, refusal_text, staff_action_run


@require_POST
@capability_required(MANAGE_QUEUES)
@capability_required(ALLOCATE_PLOTS)
def queue_offer(request: HttpRequest, slug: str) -> HttpResponse:
    queue = queue_get_for_staff(user=request.user, slug=slug)
    form = OfferForm(request.POST, queue=queue)
    if not form.is_valid():
        messages.error(request, form_errors_labelled(form))
        return redirect("queue_staff:queue", slug=slug)
    expected = application_in_queue(queue, form.cleaned_data["application"])
    if expected is None:
        messages.error(request, _("This application is not at the head of the queue."))
        return redirect("queue_staff:queue", slug=slug)
    try:
        offer = offer_to_head(
            queue=queue,
            parcel=form.cleaned_data["parcel"],
            actor=request.user,
            application=expected,
        )
    except Refusal as refusal:
        messages.error(request, refusal_text(refusal))
        return redirect("queue_staff:queue", slug=slug)
    messages.success(
        request,
        _("Parcel %(parcel)s is offered to application %(number)s.")
        % {"parcel": offer.parcel.cadastral_number, "number": offer.application.number},
    )
    return redirect("queue_staff:application", pk=offer.application_id)


@require_POST
@capability_required(MANAGE_QUEUES)
@capability_required(ALLOCATE_PLOTS)
def queue_draw(request: HttpRequest, slug: str) -> HttpResponse:
    queue = queue_get_for_staff(user=request.user, slug=slug)
    form = DrawForm(request.POST, queue=queue)
    if not form.is_valid():
        messages.error(request, form_errors_labelled(form))
        return redirect("queue_staff:queue", slug=slug)
    try:
        draw = lots_draw(
            queue=queue,
            parcel=form.cleaned_data["parcel"],
            among=form.cleaned_data["among"],
            actor=request.user,
        )
    except Refusal as refusal:
        messages.error(request, refusal_text(refusal))
        return redirect("queue_staff:queue", slug=slug)
    messages.success(
        request,
        _(
            "Lots drawn among %(candidates)s with the seed %(seed)s: application %(winner)s "
            "wins and is offered the parcel."
        )
        % {
            "candidates": ", ".join(draw.candidates),
            "seed": draw.seed,
            "winner": draw.winner_number,
        },
    )
    return redirect("queue_staff:application", pk=application_by_number(draw.winner_number).pk)


@require_POST
@capability_required(MANAGE_QUEUES)
@capability_required(ALLOCATE_PLOTS)
def offer_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    offer = offer_get_for_staff(user=request.user, pk=pk)
    staff_action_run(
        request,
        lambda: offer_accept(offer=offer, actor=request.user),
        _("The parcel is allocated."),
    )
    return redirect("queue_staff:application", pk=offer.application_id)


@require_POST
@capability_required(MANAGE_QUEUES)
@capability_required(ALLOCATE_PLOTS)
def offer_refuse_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the applicant's signed refusal; a second officer confirms it."""
    offer = offer_get_for_staff(user=request.user, pk=pk)
    form = RefusalForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_labelled(form))
    else:
        staff_action_run(
            request,
            lambda: offer_refusal_request(
                offer=offer,
                actor=request.user,
                document_number=form.cleaned_data["document_number"],
                document_date=form.cleaned_data["document_date"],
                reason=form.cleaned_data["reason"],
            ),
            _("The refusal is recorded. A second officer must confirm it."),
        )
    return redirect("queue_staff:application", pk=offer.application_id)


@require_POST
@capability_required(MANAGE_QUEUES)
@capability_required(ALLOCATE_PLOTS)
def offer_refusal_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    offer = offer_get_for_staff(user=request.user, pk=pk)
    try:
        passed = offer_refusal_confirm(offer=offer, actor=request.user)
    except Refusal as refusal:
        messages.error(request, refusal_text(refusal))
    else:
        if passed is None:
            messages.success(
                request, _("The refusal is confirmed. Nobody is left in line: the parcel is free.")
            )
        else:
            messages.success(
                request,
                _("The refusal is confirmed. The parcel is offered to %(number)s.")
                % {"number": passed.application.number},
            )
    return redirect("queue_staff:application", pk=offer.application_id)


@require_POST
@capability_required(MANAGE_QUEUES)
@capability_required(ALLOCATE_PLOTS)
def offer_refusal_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    offer = offer_get_for_staff(user=request.user, pk=pk)
    staff_action_run(
        request,
        lambda: offer_refusal_reject(offer=offer, actor=request.user),
        _("The recorded refusal is turned down: the offer stays open."),
    )
    return redirect("queue_staff:application", pk=offer.application_id)
