"""Administration of the configurable lists of the queues: queues and removal reasons.

Applications, offers and the ledger are not edited here: they change only through the
services (officers' pages, commands), which keep the ledger and the audit log.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from queues.models import Queue, RemovalReason
from staff.admin import AuditedAdminMixin


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
