from django.contrib.gis import admin

from geodata.models import District
from rgis.widgets import OfflineMapWidget
from staff.admin import AuditedAdminMixin


@admin.register(District)
class DistrictAdmin(AuditedAdminMixin, admin.GISModelAdmin):
    gis_widget = OfflineMapWidget  # type: ignore[assignment]  # stubs expect an instance
    list_display = ("slug", "name_kk", "name_ru", "name_en")
    search_fields = ("slug", "name_kk", "name_ru", "name_en")
