"""Planners' pages: upload, preview and import."""

from django.urls import path

from geodata import staff_views

app_name = "imports"
urlpatterns = [
    path("new/", staff_views.import_new, name="new"),
    path("<uuid:job_id>/", staff_views.import_detail, name="detail"),
    path("versions/", staff_views.versions_awaiting, name="awaiting"),
    path("versions/<int:version_id>/publish/", staff_views.version_publish, name="publish"),
]
