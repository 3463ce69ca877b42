"""Public pages of plans, layers and versions."""

from django.urls import path

from geodata import download_views
from geodata.views import public as views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list_page, name="list"),
    path("<slug:slug>/", views.plan_detail_page, name="detail"),
    path("<slug:slug>/<slug:layer_slug>/", views.layer_page, name="layer"),
    path("<slug:slug>/<slug:layer_slug>/v<int:number>/", views.version_page, name="version"),
    path(
        "<slug:slug>/<slug:layer_slug>/v<int:number>/download/<str:file_format>/",
        download_views.version_download,
        name="download",
    ),
]
