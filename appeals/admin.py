"""Staff keep the appeals' reference data here: departments, categories, the calendar."""

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest

from appeals.deadlines import work_calendar_memo
from appeals.models import CalendarDay, Category, Department, PartnerApiKey
from appeals.selectors.public import active_categories
from appeals.selectors.staff import ALL_DEPARTMENTS
from rgis.memo import ProcessMemo
from staff.admin import AuditedAdminMixin

User = get_user_model()


class MemoClearingAdminMixin:
    """Reference data remembered per process (rgis.memo): a change here shows at once in
    this process; the others see it within RGIS_REFERENCE_MEMO_SECONDS."""

    memo: ProcessMemo

    # Ignored below (misc): a mixin, whose super() is the ModelAdmin after it in the MRO.

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]  # mixin
        self.memo.clear_on_commit()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)  # type: ignore[misc]  # mixin
        self.memo.clear_on_commit()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        super().delete_queryset(request, queryset)  # type: ignore[misc]  # mixin
        self.memo.clear_on_commit()


@admin.register(Department)
class DepartmentAdmin(MemoClearingAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Appeals operators keep the departments' names; only administrators choose who is an
    operator of which department (an operator would otherwise let himself in anywhere)."""

    memo = active_categories
    list_display = ("slug", "name_kk", "name_ru", "email", "is_active")
    search_fields = ("slug", "name_kk", "name_ru", "name_en")
    filter_horizontal = ("operators",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if request.user.has_perm(ALL_DEPARTMENTS):
            return readonly
        return (*readonly, "operators")

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "operators":
            kwargs["queryset"] = User.objects.filter(is_staff=True, is_active=True).order_by(
                "username"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Category)
class CategoryAdmin(MemoClearingAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Operators keep the categories' names; only administrators move a category to another
    department (an operator could otherwise route other departments' new appeals to his
    own), and a category an operator adds goes to one of his departments."""

    memo = active_categories
    list_display = ("slug", "name_kk", "name_ru", "department", "allows_anonymous", "is_active")
    list_filter = ("department", "allows_anonymous", "is_active")
    search_fields = ("slug", "name_kk", "name_ru", "name_en")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is None or request.user.has_perm(ALL_DEPARTMENTS):
            return readonly
        return (*readonly, "department")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "department" and not request.user.has_perm(ALL_DEPARTMENTS):
            kwargs["queryset"] = Department.objects.filter(operators=request.user.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(CalendarDay)
class CalendarDayAdmin(MemoClearingAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    memo = work_calendar_memo
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
