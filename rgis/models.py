"""Portal-wide state that belongs to no domain app: flood-control counts, the mail outbox."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RateCount(models.Model):
    """How often one client did one thing in the current window (rgis.ratelimit)."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "rgis_rate_count"

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class OutboundLetter(models.Model):
    """One e-mail to send: written with the change it tells about, sent by a job, retried.

    A letter is never lost: it is pending until a try succeeds, and failed (listed for
    staff, who can send it again) after RGIS_MAIL_MAX_ATTEMPTS tries.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not delivered")

    recipient = models.EmailField(max_length=254)
    subject = models.CharField(max_length=998)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(default=timezone.now)
    # What went wrong, without the address or the text: the class of the error and the
    # mail server's reply code.
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "rgis_outbound_letter"
        indexes = [
            models.Index(
                fields=["status", "next_try_at"],
                name="rgis_letter_unsent_idx",
                condition=~models.Q(status="sent"),
            )
        ]

    def __str__(self) -> str:
        return f"letter {self.pk} ({self.status})"
