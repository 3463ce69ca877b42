from django.core.management.base import BaseCommand

from rgis.demo import demo_loaders


class Command(BaseCommand):
    help = "Load the Taraz demo data. Safe to run again: nothing is added twice."

    def handle(self, *args: object, **options: object) -> None:
        counts = [f"{loader.load()} new {loader.name}" for loader in demo_loaders()]
        self.stdout.write(f"Demo data loaded: {', '.join(counts)}.")
