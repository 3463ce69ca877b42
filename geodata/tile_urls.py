"""The vector tile door of plan layers: /tiles/<plan>.<layer>.json and its tiles.

`tile_patterns` is mounted at /tiles/ under the namespace "tiles". Until geodata/urls.py
holds it beside geodata's other doors, rgis/urls.py includes this module by name, hence
`app_name` and `urlpatterns`.
"""

from django.urls import path, register_converter
from django.urls.converters import StringConverter

from geodata.views.api import tiles


class PublicIdConverter(StringConverter):
    """ "<plan>.<layer>": two slugs joined by a dot."""

    regex = r"[-a-zA-Z0-9_]+\.[-a-zA-Z0-9_]+"


register_converter(PublicIdConverter, "public_id")

tile_patterns = [
    path("<public_id:public_id>.json", tiles.tilejson, name="tilejson"),
    path("<public_id:public_id>/<int:z>/<int:x>/<int:y>.mvt", tiles.tile, name="tile"),
]

app_name = "tiles"
urlpatterns = tile_patterns
