from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParcelsConfig(AppConfig):
    name = "parcels"
    verbose_name = _("Parcel registry")

    def ready(self) -> None:
        from parcels.layers import register_parcel_layers
        from rgis.demo import demo_loader_register

        register_parcel_layers()
        demo_loader_register(order=30, name="parcel(s)", load="parcels.demo.demo_parcels_load")
