"""Queue officers' pages of a whole queue: the list of queues, one queue with its head and
open offers, and what awaits a second officer's decision (/<lang>/staff/queues/ ...).

Thin, like every staff page: a POST validates its input, calls one service, tells the
outcome in the officer's language and redirects (POST-redirect-GET). Personal data (names,
IINs, contacts) appear on these pages only, behind the manage_queues capability.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from queues.forms import DrawForm, OfferForm
from queues.models import Application
from queues.selectors.applications import (
    application_search,
    applications_pending,
    register_batches_pending,
)
from queues.selectors.positions import application_positions
from queues.selectors.staff import (
    ALLOCATE_PLOTS,
    MANAGE_QUEUES,
    applications_with_masked_iin,
    offers_open,
    queue_get_for_staff,
    queue_list_with_counts,
    queues_for_staff,
)
from queues.services.backdating import register_batch_decide
from rgis.errors import Refusal
from rgis.staff_actions import capability_required, refusal_text

PAGE_SIZE = 50
HEAD_SIZE = 10


@require_GET
@capability_required(MANAGE_QUEUES)
def queue_list(request: HttpRequest) -> HttpResponse:
    queues = queue_list_with_counts(queues_for_staff(request.user))
    return render(request, "queues/staff/queue_list.html", {"queues": queues})


@require_GET
@capability_required(MANAGE_QUEUES)
def queue_detail(request: HttpRequest, slug: str) -> HttpResponse:
    queue = queue_get_for_staff(user=request.user, slug=slug)
    status = request.GET.get("status", "")
    if status not in Application.Status.values:
        status = ""
    text = request.GET.get("q", "")[:100]
    applications = application_search(queue, status=status, text=text)
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = applications_with_masked_iin(list(page.object_list))
    head = applications_with_masked_iin(
        list(application_search(queue, status="waiting")[:HEAD_SIZE])
    )
    positions = application_positions(queue.pk, rows + head)
    for application in rows + head:
        # An attribute for the page only: a place in line is no field of the model.
        place = positions.get(application.pk)
        application.position = place  # type: ignore[attr-defined]  # see above
    can_allocate = request.user.has_perm(ALLOCATE_PLOTS)
    return render(
        request,
        "queues/staff/queue_detail.html",
        {
            "queue": queue,
            "page": page,
            "rows": rows,
            "head": head,
            "offers": offers_open(queue),
            "status": status,
            "q": text,
            "statuses": Application.Status.choices,
            "offer_form": OfferForm(queue=queue, initial={"application": head[0].pk})
            if head and can_allocate
            else None,
            "draw_form": DrawForm(queue=queue) if head and can_allocate else None,
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required(MANAGE_QUEUES)
def queue_pending(request: HttpRequest, slug: str) -> HttpResponse:
    """Back-dated registrations and imported registers awaiting a second officer."""
    queue = queue_get_for_staff(user=request.user, slug=slug)
    if request.method == "POST":
        approve = request.POST.get("decision") == "approve"
        try:
            count = register_batch_decide(
                queue=queue,
                batch=request.POST.get("batch", ""),
                actor=request.user,
                approve=approve,
            )
        except Refusal as refusal:
            messages.error(request, refusal_text(refusal))
        else:
            messages.success(
                request,
                (
                    _("The import is approved: %(count)d applications take their places in line.")
                    if approve
                    else _(
                        "The import is rejected: %(count)d applications are filed as of their "
                        "registration."
                    )
                )
                % {"count": count},
            )
        return redirect("queue_staff:pending", slug=slug)
    return render(
        request,
        "queues/staff/queue_pending.html",
        {
            "queue": queue,
            "batches": register_batches_pending(queue),
            "applications": applications_pending(queue)[:PAGE_SIZE],
        },
    )
