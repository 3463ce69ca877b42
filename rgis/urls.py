from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

import parcels.urls
from geodata.lookup_api import whats_here_api
from queues.position_api import application_position_api
from rgis import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("api/staff/", include("staff.api_urls")),
    path("api/imports/", include("geodata.api_urls")),
    path("api/whats-here", whats_here_api, name="whats_here"),
    path(
        "api/queues/applications/<str:number>",
        application_position_api,
        name="queue_application_position",
    ),
    path("api/queues/", include("queues.api_urls")),
    path("api/parcels/", include((parcels.urls.api_patterns, "parcels_api"))),
    path("api/appeals/", include("appeals.public_api_urls")),
    path("tiles/parcels/", include((parcels.urls.tile_patterns, "parcel_tiles"))),
    path("tiles/", include("geodata.tile_urls")),
    path("ogc/", include("geodata.ogc_urls")),
    path("open311/v2/", include("appeals.open311.urls")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("plans/", include("geodata.urls")),
    path("parcels/", include((parcels.urls.public_patterns, "parcels"))),
    path("queues/", include("queues.public_urls")),
    path("appeals/", include("appeals.public_urls")),
    path("staff/imports/", include("geodata.staff_urls")),
    path("staff/parcels/", include((parcels.urls.staff_patterns, "parcels_staff"))),
    path("staff/queues/", include("queues.staff_urls")),
    path("staff/appeals/", include("appeals.staff_urls")),
    path("staff/", include("staff.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

admin.site.site_header = "e-RGIS"
admin.site.site_title = "e-RGIS"
