from django.core.management.base import BaseCommand
from django.db import transaction

from geodata.importing.core import feature_parts_fill
from geodata.models import Layer, LayerVersion


class Command(BaseCommand):
    help = (
        "Cut the polygons of every current functional-zones version into parts for the "
        "point look-up (/api/whats-here). Safe to run again: each version's parts are "
        "replaced. Imports do this themselves; run it for versions imported before."
    )

    def handle(self, *args: object, **options: object) -> None:
        versions = LayerVersion.objects.filter(
            is_current=True, layer__kind=Layer.Kind.FUNCTIONAL_ZONES
        ).select_related("layer__plan")
        total = 0
        for version in versions:
            with transaction.atomic():
                parts = feature_parts_fill(version)
            total += parts
            self.stdout.write(f"{version}: {parts} parts")
        self.stdout.write(f"{len(versions)} versions, {total} parts.")
