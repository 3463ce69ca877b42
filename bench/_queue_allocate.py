"""Child of bench_queues: allocate parcels one after another, as an officer does.

Run as `python -m bench._queue_allocate <queue slug> <count>` with DATABASE_URL pointing at
the benchmark's scratch database. For each free parcel of the queue (in cadastral order):
offer it to the head of the queue, verify the head's documents if that was not done yet,
and record the acceptance, each step through the real services (ledger, audit, parcel
status, notifications queued). Prints one JSON line: seconds per allocation.
"""

import json
import os
import sys
import time

import django


def main(queue_slug: str, count: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rgis.settings.dev")
    django.setup()
    from django.contrib.auth.models import User

    from parcels.models import Parcel
    from queues.models import Queue
    from queues.services.applications import application_verify
    from queues.services.offers import offer_accept, offer_to_head

    officer, _created = User.objects.get_or_create(username="bench-officer", is_staff=True)
    queue = Queue.objects.get(slug=queue_slug)
    parcels = list(
        Parcel.objects.filter(
            settlement=queue.settlement_id, purpose=queue.purpose_id, status=Parcel.Status.FREE
        ).order_by("cadastral_number")[:count]
    )
    seconds = []
    for parcel in parcels:
        start = time.perf_counter()
        offer = offer_to_head(queue=queue, parcel=parcel, actor=officer)
        if not offer.application.is_verified:
            application_verify(application=offer.application, actor=officer)
        offer_accept(offer=offer, actor=officer)
        seconds.append(time.perf_counter() - start)
    print(json.dumps({"seconds": seconds}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
