from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest

from staff.models import AuditEntry
from staff.selectors import audit_state_for, user_password_hash
from staff.services import audit_password_changed, audit_record, audit_snapshot


class AuditedAdminMixin:
    """Records every admin create, change and delete with the state before and after."""

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        before = None
        if change and obj.pk is not None:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = audit_snapshot(stored) if stored else None
        # Kept on the request for save_related, which writes the entry (after the m2m).
        request._audit_before = before  # type: ignore[attr-defined]  # see above
        # A mixin: mypy does not know the ModelAdmin that comes after it in the MRO.
        super().save_model(request, obj, form, change)  # type: ignore[misc]  # see above

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Many-to-many fields (a user's groups) are saved here, after save_model.
        super().save_related(request, form, formsets, change)  # type: ignore[misc]  # mixin
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
            super().delete_model(request, obj)  # type: ignore[misc]  # mixin

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit_record(
                    actor=request.user, action="delete", instance=obj, before=audit_snapshot(obj)
                )
            super().delete_queryset(request, queryset)  # type: ignore[misc]  # mixin


def _outranks(editor: Any, user: User) -> bool:
    """Whether `user` holds anything `editor` does not (superusers outrank everyone)."""
    if editor.is_superuser:
        return False
    return user.is_superuser or not user.get_all_permissions() <= editor.get_all_permissions()


class AuditedUserAdmin(AuditedAdminMixin, UserAdmin):
    """User administration that cannot raise anyone above the editor.

    Only a superuser makes superusers or grants single permissions; others give roles
    (groups) holding only capabilities they hold themselves, never touch an account that
    holds more than they do (superusers included, their passwords too), nor their own
    roles and flags. Every change, password changes included, goes to the audit log.
    """

    # The flags that decide what an account may do: nobody changes their own.
    OWN_LOCKED_FIELDS = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = set(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly |= {"is_superuser", "user_permissions"}
        if obj is not None and obj.pk == request.user.pk:
            readonly |= set(self.OWN_LOCKED_FIELDS)
        return sorted(readonly)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and _outranks(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and (obj.pk == request.user.pk or _outranks(request.user, obj)):
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        # The bulk action asks has_delete_permission without the accounts: ask for each.
        if any(not self.has_delete_permission(request, user) for user in queryset):
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "groups" and not request.user.is_superuser:
            held = request.user.get_all_permissions()
            grantable = [
                group.pk
                for group in Group.objects.prefetch_related("permissions__content_type")
                if {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
                <= held
            ]
            kwargs["queryset"] = Group.objects.filter(pk__in=grantable)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        """Django's password form for an account, recorded in the audit log."""
        with transaction.atomic():
            before = user_password_hash(int(id)) if id.isdigit() else None
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and before is not None:
                user = User.objects.get(pk=int(id))
                if user.password != before:
                    audit_password_changed(actor=request.user, user=user)
        return response


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

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        # Shown, never saved: secrets and (for non-administrators) free text redacted.
        entry = super().get_object(request, object_id, from_field)
        if entry is not None:
            entry.before = audit_state_for(entry.before, reader=request.user)
            entry.after = audit_state_for(entry.after, reader=request.user)
        return entry

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
