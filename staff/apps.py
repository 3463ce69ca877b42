from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff and audit")

    def ready(self) -> None:
        from rgis.db import append_only_table_register
        from staff import receivers  # noqa: F401  (records sign-ins in the audit log)

        # The app's database role may only read and append to the audit log.
        append_only_table_register("staff_auditentry")


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin app, with the portal's admin site (staff/admin_site.py)."""

    default = False  # StaffConfig stays this module's default

    default_site = "staff.admin_site.PortalAdminSite"
