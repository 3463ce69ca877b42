"""Staff keep the appeals' reference data here: departments, categories, the calendar."""

from django.contrib import admin

from appeals.models import CalendarDay, Category, Department
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
