from typing import Any

from django.core.management.base import BaseCommand

from geodata.services import feature_parts_rebuild


class Command(BaseCommand):
    help = (
        "Cut the polygons of every current functional-zones version into parts for the "
        "point look-up (/api/whats-here). Safe to run again: each version's parts are "
        "replaced. Imports do this themselves; run it for versions imported before."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        rebuilt = feature_parts_rebuild()
        for version, parts in rebuilt:
            self.stdout.write(f"{version}: {parts} parts")
        total = sum(parts for _version, parts in rebuilt)
        self.stdout.write(f"{len(rebuilt)} versions, {total} parts.")
