"""Every URL of the parcel registry, one list per door; rgis/urls.py mounts each:
`public_patterns` at /<lang>/parcels/ ("parcels"), `staff_patterns` at
/<lang>/staff/parcels/ ("parcels_staff"), `api_patterns` at /api/parcels/ ("parcels_api")
and `tile_patterns` at /tiles/parcels/ ("parcel_tiles")."""

from django.urls import path, register_converter
from django.urls.converters import StringConverter

from parcels.models import CADASTRAL_NUMBER_PATTERN
from parcels.views import api, public, staff


class CadastralNumberConverter(StringConverter):
    """NN-NNN-NNN-NNN, as the registry stores it."""

    regex = CADASTRAL_NUMBER_PATTERN.removeprefix("^").removesuffix("$")


register_converter(CadastralNumberConverter, "cadastral")

public_patterns = [
    path("", public.parcel_search_page, name="search"),
    path("<cadastral:cadastral_number>/", public.parcel_page, name="detail"),
]

staff_patterns = [
    path("import/", staff.parcel_import_page, name="import"),
]

api_patterns = [
    path("<slug:layer>", api.parcels_layer_api, name="layer"),
]

tile_patterns = [
    path("<slug:layer>/<int:z>/<int:x>/<int:y>.mvt", api.parcels_tile, name="tile"),
]
