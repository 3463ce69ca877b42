"""The staff pages: sign-in, the staff home, the audit log and "Undelivered letters".

"Undelivered letters" (the outbox) is for administrators only (capability manage_staff):
the page shows parts of applicants' addresses. Sending a letter again is a POST, written to
the audit log.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rgis.mail import letters_undelivered, recipient_masked
from rgis.models import OutboundLetter
from rgis.security import sign_in_refusal_message, sign_in_throttled_wait
from staff.roles import capability, capability_titles, role_titles
from staff.selectors import (
    audit_entry_changes,
    audit_entry_list,
    jobs_given_up_list,
    staff_capabilities_of,
    staff_roles_of,
)
from staff.services import outbox_letter_retry

AUDIT_PAGE_SIZE = 50
OUTBOX_PAGE_SIZE = 50
JOBS_SHOWN = 50


class StaffLoginView(auth_views.LoginView):
    """Django's sign-in, refused with 429 while the user name or address is throttled."""

    template_name = "staff/login.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = sign_in_throttled_wait(request)
        if wait:
            context = self.get_context_data(throttled=sign_in_refusal_message(wait))
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(wait * 60)
            return response
        return super().post(request, *args, **kwargs)


@require_GET
@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "staff/home.html",
        {
            "roles": [role_titles()[role] for role in staff_roles_of(request.user)],
            "capabilities": [
                capability_titles()[code] for code in staff_capabilities_of(request.user)
            ],
        },
    )


@require_GET
@login_required
@permission_required(capability("view_audit_log"), raise_exception=True)
def audit_log(request: HttpRequest) -> HttpResponse:
    action = request.GET.get("action", "")[:64]
    username = request.GET.get("user", "")[:150]
    page = Paginator(audit_entry_list(action=action, username=username), AUDIT_PAGE_SIZE)
    entries = page.get_page(request.GET.get("page"))
    rows = [(entry, audit_entry_changes(entry, reader=request.user)) for entry in entries]
    return render(
        request,
        "staff/audit_log.html",
        {"page": entries, "rows": rows, "action": action, "username": username},
    )


@require_GET
@login_required
@permission_required(capability("manage_staff"), raise_exception=True)
def outbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(letters_undelivered(), OUTBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    letters = [(letter, recipient_masked(letter.recipient)) for letter in page]
    return render(
        request,
        "staff/outbox.html",
        {"page": page, "letters": letters, "jobs_given_up": jobs_given_up_list(limit=JOBS_SHOWN)},
    )


@require_POST
@login_required
@permission_required(capability("manage_staff"), raise_exception=True)
def outbox_retry(request: HttpRequest, letter_id: int) -> HttpResponse:
    try:
        outbox_letter_retry(actor=request.user, letter_id=letter_id)
    except OutboundLetter.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("The letter will be sent again in a moment."))
    return redirect("staff:outbox")
