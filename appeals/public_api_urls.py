"""The public JSON of the appeals: /api/appeals/ ... (no sign-in, public fields only)."""

from django.urls import path

from appeals import map_api

app_name = "appeals_api"
urlpatterns = [
    path("nearby", map_api.nearby_api, name="nearby"),
    path("places", map_api.places_api, name="places"),
    path("map", map_api.map_api, name="map"),
]
