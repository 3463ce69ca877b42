from django.urls import path

from parcels import tiles

app_name = "parcel_tiles"
urlpatterns = [
    path("<slug:layer>/<int:z>/<int:x>/<int:y>.mvt", tiles.tile, name="tile"),
]
