"""The outbox: every e-mail the portal sends is a row first, then a job that sends it.

`letter_queue` is called inside the transaction of the change the letter tells about, so
the letter exists exactly when the change does. A job (rgis.tasks) sends it, one try at a
time (rgis.mail_sending); after RGIS_MAIL_MAX_ATTEMPTS tries the letter is failed and
listed for staff, who can send it again (`letter_retry`). Logs name the letter by number
only: never the address or the text.
"""

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from rgis.models import OutboundLetter
from rgis.tasks import letter_send_enqueue

# The applicant chose no language when filing: letters carry both state languages.
MAIL_LANGUAGES = ("kk", "ru")


def public_url(path: str) -> str:
    """An absolute link to a public page, for a letter (RGIS_PUBLIC_URL + path)."""
    return str(settings.RGIS_PUBLIC_URL).rstrip("/") + path


def letter_in_state_languages(
    *, subject: Callable[[], str], template: str, context: dict[str, Any]
) -> tuple[str, str]:
    """(subject, body) in Kazakh, then Russian, each made while its language is active.

    `subject` is called once per language; the template engine calls a callable in the
    context the same way, so a link given as `lambda: ...` leads the Kazakh part to /kk/
    pages and the Russian part to /ru/.
    """
    subjects, bodies = [], []
    for language in MAIL_LANGUAGES:
        with translation.override(language):
            subjects.append(str(subject()))
            bodies.append(render_to_string(template, context).strip())
    return " / ".join(dict.fromkeys(subjects)), "\n\n----------\n\n".join(bodies)


def letter_queue(*, to: str, subject: str, body: str) -> OutboundLetter:
    """Put one letter in the outbox; it is sent once the surrounding transaction commits."""
    letter = OutboundLetter.objects.create(recipient=to, subject=subject[:998], body=body)
    letter_send_enqueue(letter.pk)
    return letter


def letter_retry(*, letter: OutboundLetter) -> OutboundLetter:
    """Send an undelivered letter again: a new round of tries, starting now."""
    with transaction.atomic():
        letter = OutboundLetter.objects.select_for_update().get(pk=letter.pk)
        if letter.status != OutboundLetter.Status.FAILED:
            return letter
        letter.status = OutboundLetter.Status.PENDING
        letter.attempts = 0
        letter.next_try_at = timezone.now()
        letter.save(update_fields=["status", "attempts", "next_try_at"])
        letter_send_enqueue(letter.pk)
    return letter


def letters_stalled_resume(*, overdue: datetime.timedelta) -> int:
    """Give a new send job to pending letters whose try is long overdue; how many.

    Their job was lost: its run ended in a database error (a restart mid-send rolls the
    try back, the letter stays pending, the job is FAILED) or was given up. A second job for
    a letter that still has one sends nothing twice: `letter_send` locks the row and sends
    only a pending letter that is due.
    """
    stalled = OutboundLetter.objects.filter(
        status=OutboundLetter.Status.PENDING, next_try_at__lt=timezone.now() - overdue
    ).values_list("pk", flat=True)
    resumed = 0
    for letter_id in stalled.iterator():
        letter_send_enqueue(letter_id)
        resumed += 1
    return resumed


def letters_undelivered() -> QuerySet[OutboundLetter]:
    """The letters staff should see: failed for good, newest first."""
    return OutboundLetter.objects.filter(status=OutboundLetter.Status.FAILED).order_by(
        "-next_try_at", "-pk"
    )


def recipient_masked(address: str) -> str:
    """Enough of an address to tell letters apart, not to read it: "as***@mail.kz"."""
    local, _at, domain = address.partition("@")
    return f"{local[:2]}***@{domain}" if domain else "***"


@checks.register(checks.Tags.compatibility)
def mail_configured_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Production without EMAIL_URL: say so at every start (letters wait in the outbox)."""
    if settings.DEBUG or settings.EMAIL_URL or _backend_is_not_smtp():
        return []
    return [
        checks.Warning(
            "EMAIL_URL is not set: letters go to an SMTP server on localhost:25 of this "
            "container, which usually does not exist. They are kept in the outbox and "
            "listed under Staff > Undelivered letters after the last try.",
            hint="Set EMAIL_URL, e.g. smtp://user:password@mail.example.kz:587/?tls=1",
            id="rgis.W201",
        )
    ]


def _backend_is_not_smtp() -> bool:
    return settings.EMAIL_BACKEND != "django.core.mail.backends.smtp.EmailBackend"


def letters_sent_prune(*, before: datetime.datetime) -> int:
    """Delete letters sent before `before`; how many. Failed and pending ones stay."""
    deleted, _by_model = OutboundLetter.objects.filter(
        status=OutboundLetter.Status.SENT, sent_at__lt=before
    ).delete()
    return deleted
