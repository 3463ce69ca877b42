from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff and audit")

    def ready(self) -> None:
        from staff import receivers  # noqa: F401  (records sign-ins in the audit log)
