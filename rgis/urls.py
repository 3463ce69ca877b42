from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from geodata.lookup_api import whats_here_api
from hearings import urls as hearings_urls
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
    path("api/parcels/", include("parcels.api_urls")),
    path("api/appeals/", include("appeals.public_api_urls")),
    path("tiles/parcels/", include("parcels.tile_urls")),
    path("tiles/", include("geodata.tile_urls")),
    path("ogc/", include("geodata.ogc_urls")),
    path("open311/v2/", include("appeals.open311.urls")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("plans/", include("geodata.urls")),
    path("parcels/", include("parcels.urls")),
    path("queues/", include("queues.public_urls")),
    path("appeals/", include("appeals.public_urls")),
    path("hearings/", include((hearings_urls.public_patterns, "hearings"))),
    path("staff/imports/", include("geodata.staff_urls")),
    path("staff/parcels/", include("parcels.staff_urls")),
    path("staff/queues/", include("queues.staff_urls")),
    path("staff/appeals/", include("appeals.staff_urls")),
    path("staff/hearings/", include((hearings_urls.staff_patterns, "hearings_staff"))),
    path("staff/", include("staff.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

admin.site.site_header = "e-RGIS"
admin.site.site_title = "e-RGIS"
