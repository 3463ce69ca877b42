"""Planners' pages: upload, preview and import (mounted under the namespace "imports")."""

from django.urls import path

from geodata.views import staff

staff_patterns = [
    path("new/", staff.import_new, name="new"),
    path("<uuid:job_id>/", staff.import_detail, name="detail"),
    path("versions/", staff.versions_awaiting, name="awaiting"),
    path("versions/<int:version_id>/publish/", staff.version_publish, name="publish"),
]

# Mounted by rgis/urls.py as include("geodata.staff_urls") until geodata/urls.py takes the list.
app_name = "imports"
urlpatterns = staff_patterns
