from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from staff.roles import capability, capability_titles, role_titles
from staff.selectors import audit_entry_list, staff_capabilities_of, staff_roles_of
from staff.services import audit_changed_fields

AUDIT_PAGE_SIZE = 50


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
    rows = [(entry, audit_changed_fields(entry.before, entry.after)) for entry in entries]
    return render(
        request,
        "staff/audit_log.html",
        {"page": entries, "rows": rows, "action": action, "username": username},
    )
