from django.apps import AppConfig


class RgisConfig(AppConfig):
    name = "rgis"
    verbose_name = "e-RGIS"

    def ready(self) -> None:
        from rgis import mail  # noqa: F401 - registers the check of the mail settings
