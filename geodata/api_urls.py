"""The import API (mounted under the namespace "imports-api")."""

from django.urls import path

from geodata.views.api import imports

api_patterns = [
    path("", imports.import_create, name="create"),
    path("<uuid:job_id>", imports.import_detail, name="detail"),
    path("<uuid:job_id>/inspect", imports.import_inspect, name="inspect"),
    path("<uuid:job_id>/start", imports.import_start, name="start"),
    path("versions/<int:version_id>/publish", imports.version_publish, name="publish"),
]

# Mounted by rgis/urls.py as include("geodata.api_urls") until geodata/urls.py takes the list.
app_name = "imports-api"
urlpatterns = api_patterns
