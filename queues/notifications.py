"""E-mails to applicants who left an address: status changes and "you are near the head".

Each mail carries both state languages, Kazakh first then Russian (the applicant chose no
language when filing), the application number and a link to the public lookup. Mails go
out from background jobs (queues/tasks.py), never from the request that changed the queue.
"""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from queues.models import Application, Offer
from queues.selectors.applications import applications_next
from queues.selectors.positions import application_position
from rgis.mail import letter_queue

MAIL_LANGUAGES = ("kk", "ru")
# The public lookup page is another engineer's (URL name queues:lookup); until it exists
# the link points where it will be.
LOOKUP_FALLBACK_PATH = "/queues/lookup/"


def lookup_link(number: str) -> str:
    """The public lookup of one application, in the active language."""
    try:
        path = reverse("queues:lookup")
    except NoReverseMatch:
        path = LOOKUP_FALLBACK_PATH
    base = str(settings.RGIS_PUBLIC_URL).rstrip("/")
    return f"{base}{path}?{urlencode({'number': number})}"


def _bilingual(template: str, context: dict) -> tuple[str, str]:
    """Subject and body in Kazakh and Russian, one after the other."""
    subjects, bodies = [], []
    for language in MAIL_LANGUAGES:
        with translation.override(language):
            subjects.append(
                _("Land-plot queue: application %(number)s") % {"number": context["number"]}
            )
            bodies.append(
                render_to_string(
                    template, {**context, "link": lookup_link(context["number"])}
                ).strip()
            )
    return " / ".join(dict.fromkeys(subjects)), "\n\n----------\n\n".join(bodies)


def _send(application: Application, template: str, context: dict) -> None:
    subject, body = _bilingual(template, {"number": application.number, **context})
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
