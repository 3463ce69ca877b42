from django.core.management.base import BaseCommand
from django.utils import timezone

from queues.services.offers import offers_expire


class Command(BaseCommand):
    help = (
        "Close the queue offers whose time ran out (RGIS_QUEUE_OFFER_DAYS) and pass each "
        "parcel to the next in line. The scheduler service of docker/compose.yml runs it hourly."
    )

    def handle(self, *args: object, **options: object) -> None:
        closed = offers_expire(now=timezone.now())
        self.stdout.write(f"Offers expired: {len(closed)}")
