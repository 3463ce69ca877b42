"""Staff page "Undelivered letters": letters the outbox gave up on, and jobs given up.

Administrators only (capability manage_staff): the page shows parts of applicants'
addresses. Sending a letter again is a POST, written to the audit log.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_tasks_db.models import DBTaskResult

from rgis.jobs import WORKER_LOST_CLASS
from rgis.mail import letter_retry, letters_undelivered, recipient_masked
from rgis.models import OutboundLetter
from staff.roles import capability
from staff.services import audit_record

OUTBOX_PAGE_SIZE = 50
JOBS_SHOWN = 50


@require_GET
@login_required
@permission_required(capability("manage_staff"), raise_exception=True)
def outbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(letters_undelivered(), OUTBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    letters = [(letter, recipient_masked(letter.recipient)) for letter in page]
    jobs_given_up = DBTaskResult.objects.filter(
        status="FAILED", exception_class_path=WORKER_LOST_CLASS
    ).order_by("-finished_at")[:JOBS_SHOWN]
    return render(
        request,
        "staff/outbox.html",
        {"page": page, "letters": letters, "jobs_given_up": jobs_given_up},
    )


@require_POST
@login_required
@permission_required(capability("manage_staff"), raise_exception=True)
def outbox_letter_retry(request: HttpRequest, letter_id: int) -> HttpResponse:
    letter = get_object_or_404(OutboundLetter, pk=letter_id)
    with transaction.atomic():
        before = {"status": letter.status, "attempts": letter.attempts}
        letter = letter_retry(letter=letter)
        audit_record(
            actor=request.user,
            action="mail.letter_retry",
            instance=letter,
            before=before,
            after={"status": letter.status, "attempts": letter.attempts},
        )
    messages.success(request, _("The letter will be sent again in a moment."))
    return redirect("staff:outbox")
