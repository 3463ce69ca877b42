from django.urls import path

from geodata import api

app_name = "imports-api"
urlpatterns = [
    path("", api.import_create, name="create"),
    path("<uuid:job_id>", api.import_detail, name="detail"),
    path("<uuid:job_id>/inspect", api.import_inspect, name="inspect"),
    path("<uuid:job_id>/start", api.import_start, name="start"),
    path("versions/<int:version_id>/publish", api.version_publish, name="publish"),
]
