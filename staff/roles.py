"""The staff roles (Django groups) and the capabilities each one holds."""

from typing import Any, Final

from django.utils.translation import gettext

from staff.models import Capability

CAPABILITY_APP: Final = "staff"

ROLE_CAPABILITIES: Final[dict[str, tuple[str, ...]]] = {
    # Planners import; what goes public is a plan publisher's decision (issue 12).
    "planner": ("manage_plans", "manage_parcels"),
    "plan_publisher": ("manage_plans", "publish_plans"),
    "queue_officer": ("manage_queues", "allocate_plots"),
    "appeals_operator": ("handle_appeals",),
    "moderator": ("moderate_content", "view_audit_log"),
    # Public hearings on draft plans (issue 14): announce, answer, enter spoken comments.
    "hearing_organiser": ("organise_hearings",),
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
        "organise_hearings",
    ),
}


def capability(codename: str) -> str:
    """The permission string to pass to has_perm / permission_required."""
    return f"{CAPABILITY_APP}.{codename}"


def role_titles() -> dict[str, str]:
    """Role names as people read them, in the active language."""
    return {
        "planner": gettext("Planner"),
        "plan_publisher": gettext("Plan publisher (chief architect)"),
        "queue_officer": gettext("Queue officer"),
        "appeals_operator": gettext("Appeals operator"),
        "moderator": gettext("Moderator"),
        "hearing_organiser": gettext("Hearing organiser"),
        "administrator": gettext("Administrator"),
    }


def capability_titles() -> dict[str, str]:
    """Capability descriptions in the active language, from the permission definitions."""
    return {code: str(title) for code, title in Capability._meta.permissions}


# Model permissions (app label, codename) each role needs in the Django admin.
_PLAN_ADMIN: Final = (
    ("geodata", "view_district"),
    ("geodata", "change_district"),
    ("geodata", "view_plan"),
    ("geodata", "add_plan"),
    ("geodata", "change_plan"),
    ("geodata", "view_layer"),
    ("geodata", "add_layer"),
    ("geodata", "change_layer"),
    ("geodata", "view_layerversion"),
)
# Appeals operators keep the working-day calendar, the departments and the categories.
_APPEALS_ADMIN: Final = (
    ("appeals", "view_calendarday"),
    ("appeals", "add_calendarday"),
    ("appeals", "change_calendarday"),
    ("appeals", "delete_calendarday"),
    ("appeals", "view_department"),
    ("appeals", "add_department"),
    ("appeals", "change_department"),
    ("appeals", "view_category"),
    ("appeals", "add_category"),
    ("appeals", "change_category"),
)
ROLE_MODEL_PERMISSIONS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "planner": _PLAN_ADMIN,
    "plan_publisher": _PLAN_ADMIN,
    "appeals_operator": _APPEALS_ADMIN,
    "administrator": (
        *_PLAN_ADMIN,
        *_APPEALS_ADMIN,
        ("geodata", "add_district"),
        ("auth", "add_user"),
        ("auth", "change_user"),
        ("auth", "view_user"),
        ("auth", "view_group"),
        ("staff", "view_auditentry"),
    ),
}


def roles_sync(apps: Any) -> None:
    """Create the role groups and give them their permissions (data migrations call this).

    Idempotent: a later migration calls it again after adding models or capabilities.
    """
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    content_type_model = apps.get_model("contenttypes", "ContentType")
    capability_model = apps.get_model("staff", "Capability")

    # Permissions are normally created after migrate; roles need them now.
    capability_type, _ = content_type_model.objects.get_or_create(
        app_label="staff", model="capability"
    )
    titles = dict(capability_model._meta.permissions)
    for role, codenames in ROLE_CAPABILITIES.items():
        group, _ = group_model.objects.get_or_create(name=role)
        for codename in codenames:
            permission, _ = permission_model.objects.get_or_create(
                content_type=capability_type,
                codename=codename,
                defaults={"name": str(titles.get(codename, codename))[:255]},
            )
            group.permissions.add(permission)
    for role, pairs in ROLE_MODEL_PERMISSIONS.items():
        group = group_model.objects.get(name=role)
        for app_label, codename in pairs:
            action, model = codename.split("_", 1)
            content_type, _ = content_type_model.objects.get_or_create(
                app_label=app_label, model=model
            )
            permission, _ = permission_model.objects.get_or_create(
                content_type=content_type,
                codename=codename,
                defaults={"name": f"Can {action} {model}"},
            )
            group.permissions.add(permission)
