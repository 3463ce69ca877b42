"""The staff roles (Django groups) and the capabilities each one holds."""

from typing import Final

CAPABILITY_APP: Final = "staff"

ROLE_CAPABILITIES: Final[dict[str, tuple[str, ...]]] = {
    "planner": ("manage_plans", "publish_plans", "manage_parcels"),
    "queue_officer": ("manage_queues", "allocate_plots"),
    "appeals_operator": ("handle_appeals",),
    "moderator": ("moderate_content", "view_audit_log"),
    "administrator": (
        "manage_plans",
        "publish_plans",
        "manage_parcels",
        "manage_queues",
        "allocate_plots",
        "handle_appeals",
        "moderate_content",
        "view_audit_log",
        "manage_staff",
    ),
}


def capability(codename: str) -> str:
    """The permission string to pass to has_perm / permission_required."""
    return f"{CAPABILITY_APP}.{codename}"


def role_titles() -> dict[str, str]:
    """Role names as people read them, in the active language."""
    from django.utils.translation import gettext

    return {
        "planner": gettext("Planner"),
        "queue_officer": gettext("Queue officer"),
        "appeals_operator": gettext("Appeals operator"),
        "moderator": gettext("Moderator"),
        "administrator": gettext("Administrator"),
    }


def capability_titles() -> dict[str, str]:
    """Capability descriptions in the active language, from the permission definitions."""
    from staff.models import Capability

    return {code: str(title) for code, title in Capability._meta.permissions}


# Model permissions (app label, codename) each role needs in the Django admin.
ROLE_MODEL_PERMISSIONS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "planner": (
        ("geodata", "view_district"),
        ("geodata", "change_district"),
    ),
    "administrator": (
        ("auth", "add_user"),
        ("auth", "change_user"),
        ("auth", "view_user"),
        ("auth", "view_group"),
        ("staff", "view_auditentry"),
        ("geodata", "view_district"),
        ("geodata", "change_district"),
        ("geodata", "add_district"),
    ),
}
