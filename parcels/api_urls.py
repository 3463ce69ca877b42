from django.urls import path

from parcels.api import parcels_layer_api

app_name = "parcels_api"
urlpatterns = [
    path("<slug:layer>", parcels_layer_api, name="layer"),
]
