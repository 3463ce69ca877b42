"""E-mails to applicants who left an address: status changes and "you are near the head".

Each mail carries both state languages, Kazakh first then Russian (the applicant chose no
language when filing), the application number and a link to the public lookup. Mails are
built by background jobs (queues/tasks.py), never in the request that changed the queue,
and go out through the outbox (rgis.mail).
"""

import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from queues.models import Application, Offer
from queues.selectors.applications import applications_next
from queues.selectors.positions import application_position
from rgis.mail import letter_in_state_languages, letter_queue, public_url


def lookup_link(number: str) -> str:
    """The public lookup of one application, in the active language."""
    return public_url(f"{reverse('queues:lookup')}?{urlencode({'number': number})}")


def _send(application: Application, template: str, context: dict[str, Any]) -> None:
    number = application.number
    subject, body = letter_in_state_languages(
        subject=lambda: _("Land-plot queue: application %(number)s") % {"number": number},
        template=template,
        # A callable: the template calls it once per language, each link to its own pages.
        context={"number": number, **context, "link": lambda: lookup_link(number)},
    )
    letter_queue(to=application.email, subject=subject, body=body)


def application_status_mail_send(application_id: int, status: str) -> bool:
    """Tell the applicant their application's new status; False when there is no address."""
    application = (
        Application.objects.select_related("queue__settlement", "queue__purpose", "parcel")
        .filter(pk=application_id)
        .first()
    )
    if application is None or not application.email:
        return False
    offer = None
    if status in (Application.Status.OFFERED, Application.Status.ALLOCATED):
        offer = (
            Offer.objects.select_related("parcel")
            .filter(application=application)
            .order_by("-offered_at")
            .first()
        )
    _send(
        application,
        "queues/email/status_change.txt",
        {
            "status": status,
            "queue": application.queue,
            "offer": offer,
            "removal_reason": application.removal_reason,
            "position": application_position(application),
        },
    )
    return True


def near_head_mails_send(queue_id: int, now: datetime.datetime | None = None) -> int:
    """Tell, once, each applicant within RGIS_QUEUE_NOTIFY_WITHIN places of the head."""
    now = now or timezone.now()
    within = settings.RGIS_QUEUE_NOTIFY_WITHIN
    head = applications_next(queue_id, within)
    sent = 0
    for position, candidate in enumerate(head, start=1):
        if candidate.near_head_notified_at is not None or not candidate.email:
            continue
        with transaction.atomic():
            # Locked and re-read: two jobs of the same queue never mail the same person twice.
            application = (
                Application.objects.select_for_update(skip_locked=True)
                .filter(
                    pk=candidate.pk,
                    status=Application.Status.WAITING,
                    near_head_notified_at__isnull=True,
                )
                .select_related("queue__settlement", "queue__purpose")
                .first()
            )
            if application is None:
                continue
            _send(
                application,
                "queues/email/near_head.txt",
                {"queue": application.queue, "position": position, "within": within},
            )
            application.near_head_notified_at = now
            application.save(update_fields=["near_head_notified_at"])
            sent += 1
    return sent
