"""Planners' pages of the parcel registry."""

from django.urls import path

from parcels import views

app_name = "parcels_staff"
urlpatterns = [
    path("import/", views.parcel_import_page, name="import"),
]
