from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParcelsConfig(AppConfig):
    name = "parcels"
    verbose_name = _("Parcel registry")

    def ready(self) -> None:
        from parcels.layers import register_parcel_layers

        register_parcel_layers()
