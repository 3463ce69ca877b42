"""The staff app's JSON API (/api/staff/): who is signed in, and the audit log."""

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext as _

from rgis.api import ApiError, api_view
from staff.roles import capability
from staff.selectors import (
    audit_entry_list,
    audit_state_for,
    staff_capabilities_of,
    staff_roles_of,
)

AUDIT_API_PAGE_SIZE = 100


@api_view()
def me(request: HttpRequest) -> dict[str, Any]:
    """Who is signed in, with roles and capabilities; anonymous visitors are citizens."""
    if not request.user.is_authenticated:
        return {"authenticated": False, "roles": [], "capabilities": []}
    return {
        "authenticated": True,
        "username": request.user.get_username(),
        "roles": staff_roles_of(request.user),
        "capabilities": staff_capabilities_of(request.user),
    }


@api_view(capability=capability("view_audit_log"))
def audit(request: HttpRequest) -> dict[str, Any]:
    """The audit log as JSON, newest first, 100 entries a page."""
    paginator = Paginator(
        audit_entry_list(
            action=request.GET.get("action", "")[:64], username=request.GET.get("user", "")[:150]
        ),
        AUDIT_API_PAGE_SIZE,
    )
    try:
        page_number = int(request.GET.get("page", "1"))
    except ValueError:
        raise ApiError(_("The page must be a whole number.")) from None
    if not 1 <= page_number <= paginator.num_pages:
        raise ApiError(_("There is no such page."), status=404)
    page = paginator.page(page_number)
    return {
        "count": paginator.count,
        "page": page_number,
        "pages": paginator.num_pages,
        "entries": [
            {
                "id": entry.pk,
                "at": entry.at.isoformat(),
                "user": entry.actor_username,
                "action": entry.action,
                "object_type": entry.object_type,
                "object_id": entry.object_id,
                "object": entry.object_repr,
                "before": audit_state_for(entry.before, reader=request.user),
                "after": audit_state_for(entry.after, reader=request.user),
            }
            for entry in page
        ],
    }
