from typing import Any

from django.contrib.admin import EmptyFieldListFilter
from django.contrib.gis import admin
from django.http import HttpRequest

from geodata.models import District, Layer, LayerVersion, Plan
from rgis.widgets import OfflineMapWidget
from staff.admin import AuditedAdminMixin


@admin.register(District)
class DistrictAdmin(AuditedAdminMixin, admin.GISModelAdmin):
    gis_widget = OfflineMapWidget  # type: ignore[assignment]  # stubs expect an instance
    list_display = ("slug", "name_kk", "name_ru", "name_en")
    search_fields = ("slug", "name_kk", "name_ru", "name_en")


class LayerInline(admin.TabularInline):
    model = Layer
    fields = ("slug", "kind", "name_kk", "name_ru", "name_en")
    extra = 0
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(AuditedAdminMixin, admin.GISModelAdmin):
    """Plans: names, status and the approving decision (the database checks the latter)."""

    gis_widget = OfflineMapWidget  # type: ignore[assignment]  # as above
    list_display = ("slug", "kind", "name_kk", "status", "approval_number", "approval_date")
    list_filter = ("kind", "status")
    search_fields = ("slug", "name_kk", "name_ru", "name_en")
    inlines = [LayerInline]


@admin.register(Layer)
class LayerAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("slug", "plan", "kind", "name_kk")
    list_filter = ("kind", "plan")


@admin.register(LayerVersion)
class LayerVersionAdmin(admin.ModelAdmin):
    """Versions are made by imports only and never edited: a revision is a new version."""

    list_display = (
        "layer",
        "number",
        "is_current",
        "published_at",
        "feature_count",
        "source_filename",
        "uploaded_at",
    )
    list_filter = ("is_current", ("published_at", EmptyFieldListFilter))
    exclude = ("extent",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
