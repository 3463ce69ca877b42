from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeodataConfig(AppConfig):
    name = "geodata"
    verbose_name = _("Plans and map layers")

    def ready(self) -> None:
        from geodata.layers import register_geodata_layers

        register_geodata_layers()
