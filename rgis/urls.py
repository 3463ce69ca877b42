"""The project's URLconf: it mounts each app's doors under their prefixes and namespaces.

With rgis/wsgi.py, the only module of the platform that imports the apps (docs/architecture.md).
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

import appeals.urls
import geodata.urls
import hearings.urls
import parcels.urls
import queues.urls
import staff.urls
from rgis import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("api/staff/", include((staff.urls.api_patterns, "staff-api"))),
    path("api/imports/", include((geodata.urls.api_patterns, "imports-api"))),
    path("api/", include(geodata.urls.lookup_patterns)),
    path("api/queues/applications/", include(queues.urls.position_api_patterns)),
    path("api/queues/", include((queues.urls.api_patterns, "queues_api"))),
    path("api/parcels/", include((parcels.urls.api_patterns, "parcels_api"))),
    path("api/appeals/", include((appeals.urls.api_patterns, "appeals_api"))),
    path("tiles/parcels/", include((parcels.urls.tile_patterns, "parcel_tiles"))),
    path("tiles/", include((geodata.urls.tile_patterns, "tiles"))),
    path("ogc/", include((geodata.urls.ogc_patterns, "ogc"))),
    path("open311/v2/", include((appeals.urls.open311_patterns, "open311"))),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("plans/", include((geodata.urls.public_patterns, "plans"))),
    path("parcels/", include((parcels.urls.public_patterns, "parcels"))),
    path("queues/", include((queues.urls.public_patterns, "queues"))),
    path("appeals/", include((appeals.urls.public_patterns, "appeals"))),
    path("hearings/", include((hearings.urls.public_patterns, "hearings"))),
    path("staff/imports/", include((geodata.urls.staff_patterns, "imports"))),
    path("staff/parcels/", include((parcels.urls.staff_patterns, "parcels_staff"))),
    path("staff/queues/", include((queues.urls.staff_patterns, "queue_staff"))),
    path("staff/appeals/", include((appeals.urls.staff_patterns, "appeals_staff"))),
    path("staff/hearings/", include((hearings.urls.staff_patterns, "hearings_staff"))),
    path("staff/", include((staff.urls.staff_patterns, "staff"))),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

admin.site.site_header = "e-RGIS"
admin.site.site_title = "e-RGIS"
