from django.core.management.base import BaseCommand

from geodata.demo import demo_districts_load, demo_plans_load
from parcels.demo import demo_parcels_load
from queues.demo import demo_queues_load


class Command(BaseCommand):
    help = "Load the Taraz demo data. Safe to run again: nothing is added twice."

    def handle(self, *args: object, **options: object) -> None:
        districts = demo_districts_load()
        layers = demo_plans_load()
        parcels = demo_parcels_load()
        applications = demo_queues_load()
        self.stdout.write(
            f"Demo data loaded: {districts} new district(s), {layers} new plan layer(s), "
            f"{parcels} new parcel(s), {applications} new queue application(s)."
        )
