"""One try at sending one letter of the outbox (rgis.mail): the work of the send job.

A failed try is tried again later, RGIS_MAIL_RETRY_SECONDS doubling each time, by a new
job enqueued in the same transaction as the failed try; after RGIS_MAIL_MAX_ATTEMPTS tries
the letter is failed for good. Logs name the letter by number only.
"""

import datetime
import logging
import smtplib
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from rgis.models import OutboundLetter

# The outbox's logger, as before the send moved out of rgis.mail: log filters keep working.
logger = logging.getLogger("rgis.mail")


class SendJobEnqueue(Protocol):
    """Enqueues the job that sends a letter (rgis.tasks.letter_send_enqueue)."""

    def __call__(self, letter_id: int, *, run_after: datetime.datetime | None = None) -> None: ...


def letter_retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait after the `attempts`-th failed try: the base delay, doubling."""
    return datetime.timedelta(seconds=settings.RGIS_MAIL_RETRY_SECONDS * 2 ** (attempts - 1))


def letter_send(*, letter_id: int, retry_enqueue: SendJobEnqueue) -> bool:
    """One try at sending a letter that is due (in the worker); True when it went out.

    A failed try that leaves tries over asks `retry_enqueue` (the send job's own enqueue
    helper, rgis.tasks) for the next job, in this transaction.
    """
    now = timezone.now()
    with transaction.atomic():
        # Locked while it is sent: two jobs for one letter never send it twice.
        letter = (
            OutboundLetter.objects.select_for_update(skip_locked=True)
            .filter(pk=letter_id, status=OutboundLetter.Status.PENDING, next_try_at__lte=now)
            .first()
        )
        if letter is None:
            return False  # sent, failed for good, or not due (an older job's turn passed)
        letter.attempts += 1
        try:
            EmailMessage(subject=letter.subject, body=letter.body, to=[letter.recipient]).send()
        except Exception as error:  # noqa: BLE001 - any failure is one failed try, kept
            _failed_try(letter, error, retry_enqueue)
            return False
        letter.status = OutboundLetter.Status.SENT
        letter.sent_at = timezone.now()
        letter.last_error = ""
        letter.save(update_fields=["status", "attempts", "sent_at", "last_error"])
    return True


def _failed_try(letter: OutboundLetter, error: Exception, retry_enqueue: SendJobEnqueue) -> None:
    letter.last_error = mail_error_describe(error)
    maximum = settings.RGIS_MAIL_MAX_ATTEMPTS
    if letter.attempts >= maximum:
        letter.status = OutboundLetter.Status.FAILED
        logger.warning(
            "Letter %s not sent after %s tries, left for staff: %s",
            letter.pk,
            letter.attempts,
            letter.last_error,
        )
    else:
        letter.next_try_at = timezone.now() + letter_retry_delay(letter.attempts)
        retry_enqueue(letter.pk, run_after=letter.next_try_at)
        logger.warning(
            "Letter %s not sent (try %s of %s), next try at %s: %s",
            letter.pk,
            letter.attempts,
            maximum,
            letter.next_try_at.isoformat(timespec="seconds"),
            letter.last_error,
        )
    letter.save(update_fields=["status", "attempts", "next_try_at", "last_error"])


def mail_error_describe(error: Exception) -> str:
    """What went wrong, for staff and logs, without the mail server's words.

    A server's reply often repeats the address ("550 <someone@...> unknown"), so only the
    kind of error and its reply code or errno are kept.
    """
    described = type(error).__name__
    if isinstance(error, smtplib.SMTPResponseException):
        described += f" {error.smtp_code}"
    elif isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(code) for code, _reply in error.recipients.values()})
        described += " " + ",".join(codes)
    elif isinstance(error, OSError) and error.errno:
        described += f" [errno {error.errno}]"
    return described[:300]
