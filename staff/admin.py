from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.db import models, transaction
from django.http import HttpRequest

from staff.models import AuditEntry
from staff.services import audit_record, audit_snapshot


class AuditedAdminMixin:
    """Records every admin create, change and delete with the state before and after."""

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        before = None
        if change and obj.pk is not None:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = audit_snapshot(stored) if stored else None
        request._audit_before = before  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Many-to-many fields (a user's groups) are saved here, after save_model.
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        instance = form.instance
        audit_record(
            actor=request.user,
            action="update" if change else "create",
            instance=instance,
            before=getattr(request, "_audit_before", None),
            after=audit_snapshot(instance),
        )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            audit_record(
                actor=request.user, action="delete", instance=obj, before=audit_snapshot(obj)
            )
            super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit_record(
                    actor=request.user, action="delete", instance=obj, before=audit_snapshot(obj)
                )
            super().delete_queryset(request, queryset)  # type: ignore[misc]


class AuditedUserAdmin(AuditedAdminMixin, UserAdmin):
    pass


class AuditedGroupAdmin(AuditedAdminMixin, GroupAdmin):
    pass


admin.site.unregister(User)
admin.site.register(User, AuditedUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, AuditedGroupAdmin)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody, superusers included, edits or deletes the audit log."""

    list_display = ("at", "actor_username", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("actor_username", "object_repr", "object_id")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
