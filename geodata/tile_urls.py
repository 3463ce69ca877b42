from django.urls import path, register_converter

from geodata import tiles


class PublicIdConverter:
    """ "<plan>.<layer>": two slugs joined by a dot."""

    regex = r"[-a-zA-Z0-9_]+\.[-a-zA-Z0-9_]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PublicIdConverter, "public_id")

app_name = "tiles"
urlpatterns = [
    path("<public_id:public_id>.json", tiles.tilejson, name="tilejson"),
    path("<public_id:public_id>/<int:z>/<int:x>/<int:y>.mvt", tiles.tile, name="tile"),
]
