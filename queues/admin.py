"""Administration of the configurable lists of the queues: queues and removal reasons.

Applications, offers and the ledger are not edited here: they change only through the
services (officers' pages, commands), which keep the ledger and the audit log.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from queues.models import Queue, RemovalReason, SettlementOfficer
from staff.admin import AuditedAdminMixin
from staff.roles import capability


@admin.register(Queue)
class QueueAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("slug", "settlement", "purpose", "is_open")
    list_filter = ("is_open", "settlement", "purpose")
    search_fields = ("slug",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Applications carry their queue's purpose: a queue never changes settlement or purpose.
        return ("settlement", "purpose") if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a queue with history is closed, never deleted


@admin.register(RemovalReason)
class RemovalReasonAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name_kk", "name_ru", "name_en", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name_kk", "name_ru", "name_en")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The code is published in the ledger: retire a reason (in use: off), never rename it.
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SettlementOfficer)
class SettlementOfficerAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Which settlements' queues each officer works on: for those who manage staff only."""

    list_display = ("user", "settlement")
    list_filter = ("settlement",)
    search_fields = ("user__username", "user__first_name", "user__last_name")

    def _manages_staff(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.has_perm(capability("manage_staff")))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._manages_staff(request) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._manages_staff(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._manages_staff(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._manages_staff(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._manages_staff(request)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            kwargs["queryset"] = db_field.related_model.objects.filter(
                is_staff=True, is_active=True
            ).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
