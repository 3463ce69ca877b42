from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeodataConfig(AppConfig):
    name = "geodata"
    verbose_name = _("Plans and map layers")

    def ready(self) -> None:
        # Imported here, not at the top: they load models, not ready while apps load.
        from geodata.layers import register_geodata_layers
        from geodata.selectors import district_search
        from rgis.demo import demo_loader_register
        from rgis.search import search_provider_register

        register_geodata_layers()
        demo_loader_register(order=10, name="district(s)", load="geodata.demo.demo_districts_load")
        demo_loader_register(order=20, name="plan layer(s)", load="geodata.demo.demo_plans_load")
        search_provider_register(
            order=10,
            name="districts",
            template="geodata/includes/search_districts.html",
            search=district_search,
        )
