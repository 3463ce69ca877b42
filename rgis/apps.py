from django.apps import AppConfig


class RgisConfig(AppConfig):
    name = "rgis"
    verbose_name = "e-RGIS"
