from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rgis.security import sign_in_refusal_message, sign_in_wait_minutes
from staff.roles import capability, capability_titles, role_titles
from staff.selectors import (
    audit_entry_list,
    audit_state_for,
    staff_capabilities_of,
    staff_roles_of,
)
from staff.services import audit_changed_fields

AUDIT_PAGE_SIZE = 50


def sign_in_throttled_wait(request: HttpRequest) -> int:
    """Minutes this sign-in form post must wait (0: it may try), before any hashing."""
    if request.method != "POST":
        return 0
    return sign_in_wait_minutes(request, request.POST.get("username", "")[:150])


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
    rows = []
    for entry in entries:
        before = audit_state_for(entry.before, reader=request.user) or {}
        after = audit_state_for(entry.after, reader=request.user) or {}
        changes = [
            (name, before.get(name, ""), after.get(name, ""))
            for name in audit_changed_fields(entry.before, entry.after)
        ]
        rows.append((entry, changes))
    return render(
        request,
        "staff/audit_log.html",
        {"page": entries, "rows": rows, "action": action, "username": username},
    )
