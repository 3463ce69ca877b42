from typing import Any

from django.contrib.gis import admin
from django.http import HttpRequest

from parcels.models import LandPurpose, Parcel, Settlement
from rgis.widgets import OfflineMapWidget
from staff.admin import AuditedAdminMixin


@admin.register(Settlement)
class SettlementAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("slug", "name_kk", "name_ru", "name_en")
    search_fields = ("slug", "name_kk", "name_ru", "name_en")


@admin.register(LandPurpose)
class LandPurposeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Target purposes are configurable (DOMAIN): staff add and rename them here."""

    list_display = ("code", "name_kk", "name_ru", "name_en", "standard_area_ha")
    search_fields = ("code", "name_kk", "name_ru", "name_en")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Queues and imports refer to a purpose by its code: it stays once given.
        return ("code",) if obj is not None else ()


@admin.register(Parcel)
class ParcelAdmin(AuditedAdminMixin, admin.GISModelAdmin):
    """Parcels; the status changes only through the queue services (audited, in order)."""

    gis_widget = OfflineMapWidget  # type: ignore[assignment]  # stubs expect an instance
    list_display = ("cadastral_number", "address_ru", "area_ha", "purpose", "status", "plan")
    list_filter = ("status", "settlement", "purpose", "category")
    search_fields = ("cadastral_number", "address_kk", "address_ru")
    list_select_related = ("purpose", "plan")
    readonly_fields = ("status", "status_changed_at", "source_version", "source_fid", "updated_at")
    raw_id_fields = ("plan",)
