from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "appeals"

    def ready(self) -> None:
        from appeals.map_api import register_appeal_layers

        register_appeal_layers()
