"""Staff keep the appeals' reference data here: departments, categories, the calendar."""

from django.contrib import admin
from django.http import HttpRequest

from appeals.models import CalendarDay, Category, Department, PartnerApiKey
from staff.admin import AuditedAdminMixin


@admin.register(Department)
class DepartmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("slug", "name_kk", "name_ru", "email", "is_active")
    search_fields = ("slug", "name_kk", "name_ru", "name_en")


@admin.register(Category)
class CategoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("slug", "name_kk", "name_ru", "department", "allows_anonymous", "is_active")
    list_filter = ("department", "allows_anonymous", "is_active")
    search_fields = ("slug", "name_kk", "name_ru", "name_en")


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("day", "kind", "note")
    list_filter = ("kind",)
    date_hierarchy = "day"


@admin.register(PartnerApiKey)
class PartnerApiKeyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Switch a partner's key off here; new keys come from `manage.py open311_key_issue`."""

    list_display = ("name", "prefix", "contact", "is_active", "created_at")
    readonly_fields = ("prefix", "created_at")
    fields = ("name", "contact", "prefix", "is_active", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the key is printed once by the command; the admin would never show it
