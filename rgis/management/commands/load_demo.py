from django.core.management.base import BaseCommand

from geodata.demo import demo_districts_load


class Command(BaseCommand):
    help = "Load the Taraz demo data. Safe to run again: nothing is added twice."

    def handle(self, *args: object, **options: object) -> None:
        created = demo_districts_load()
        self.stdout.write(f"Demo data loaded: {created} new district(s).")
