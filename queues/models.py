"""Land-plot queues: applications in filing order, offers, lot draws and the public ledger.

Rules the database holds itself (migrations add the triggers), whatever path writes:
- one live (waiting or offered) application per person per queue;
- no new application for a purpose the person has already received a plot for;
- the ledger and the published roots are append-only (no UPDATE, DELETE or TRUNCATE);
- the waiting count per queue and filing day (QueueDay) follows every change of an
  application, so a position is a sum over days plus a count inside one day.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from geodata.models import NamedInThreeLanguages

GENESIS_HASH = "0" * 64


class Queue(models.Model):
    """The queue of one settlement for one target purpose."""

    slug = models.SlugField(_("code"), unique=True)
    settlement = models.ForeignKey(
        "parcels.Settlement",
        on_delete=models.PROTECT,
        related_name="queues",
        verbose_name=_("settlement"),
    )
    purpose = models.ForeignKey(
        "parcels.LandPurpose",
        on_delete=models.PROTECT,
        related_name="queues",
        verbose_name=_("target purpose"),
    )
    is_open = models.BooleanField(_("accepts applications"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        ordering = ["slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["settlement", "purpose"], name="queue_one_per_settlement_purpose"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.settlement.name}: {self.purpose.name}"


class SettlementOfficer(models.Model):
    """A queue officer's assignment to a settlement: whose queues they may see and act on.

    Officers act only on the queues of their settlements (checked when a queue, application
    or offer is loaded for a staff page); administrators and superusers see every queue.
    """

    settlement = models.ForeignKey(
        "parcels.Settlement",
        on_delete=models.CASCADE,
        related_name="queue_officers",
        verbose_name=_("settlement"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="queue_settlements",
        verbose_name=_("officer"),
    )

    class Meta:
        verbose_name = _("queue officer of a settlement")
        verbose_name_plural = _("queue officers of settlements")
        ordering = ["settlement", "user"]
        constraints = [
            models.UniqueConstraint(fields=["settlement", "user"], name="settlement_officer_once")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.settlement}"


class RemovalReason(NamedInThreeLanguages, models.Model):
    """A ground for taking an application off the queue; configurable by staff."""

    code = models.SlugField(_("code"), unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("removal reason")
        verbose_name_plural = _("removal reasons")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Application(models.Model):
    """A person's application for a plot, in its queue's order (filed_at, then number)."""

    class Status(models.TextChoices):
        # Back-dated (filed before the day it was registered): holds no place in line until
        # a second officer approves the date.
        PENDING = "pending", _("back-dated, awaiting a second officer")
        WAITING = "waiting", _("waiting")
        OFFERED = "offered", _("plot offered")
        ALLOCATED = "allocated", _("plot allocated")
        REMOVED = "removed", _("removed from the queue")

    LIVE_STATUSES = (Status.WAITING, Status.OFFERED)

    queue = models.ForeignKey(
        Queue, on_delete=models.PROTECT, related_name="applications", verbose_name=_("queue")
    )
    # The queue's purpose, kept here so the database can hold "one plot per purpose".
    purpose = models.ForeignKey(
        "parcels.LandPurpose", on_delete=models.PROTECT, related_name="+", editable=False
    )
    number = models.CharField(_("application number"), max_length=40, unique=True)
    filed_at = models.DateTimeField(_("filed"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.WAITING
    )
    status_changed_at = models.DateTimeField(_("status changed"))
    # Personal data: shown to queue officers only, never on public pages, APIs or logs.
    full_name = models.CharField(_("full name"), max_length=300)
    iin_encrypted = models.TextField(_("IIN (encrypted)"))
    iin_digest = models.CharField(_("IIN keyed hash"), max_length=64, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_verified = models.BooleanField(_("documents verified"), default=False)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    removal_reason = models.ForeignKey(
        RemovalReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("removal reason"),
    )
    parcel = models.ForeignKey(
        "parcels.Parcel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("allocated parcel"),
    )
    near_head_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A filing date before the registration day: the paper application or archive record it
    # follows, why, and the second officer who approved it (two-person rule).
    backdated = models.BooleanField(_("back-dated"), default=False)
    backdate_reason = models.TextField(_("back-dating reason"), blank=True)
    backdate_document = models.CharField(
        _("back-dating document number"), max_length=100, blank=True
    )
    backdate_document_date = models.DateField(_("back-dating document date"), null=True, blank=True)
    backdate_batch = models.CharField(max_length=40, blank=True, db_index=True)
    backdate_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["queue", "filed_at", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["queue", "iin_digest"],
                condition=Q(status__in=["pending", "waiting", "offered"]),
                name="application_one_live_per_person_per_queue",
                violation_error_message=_(
                    "This person already has a live application in this queue."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "waiting", "offered", "allocated", "removed"]),
                name="application_status_known",
            ),
            # A back-dated application an officer registered takes its place only with a
            # document, a reason and a different officer's approval (pending until then).
            # Operators' commands (no officer named) are outside the two-person rule.
            models.CheckConstraint(
                condition=Q(backdated=False)
                | Q(registered_by__isnull=True)
                | Q(status="pending")
                | (
                    Q(backdate_document__gt="")
                    & Q(backdate_reason__gt="")
                    & Q(backdate_approved_by__isnull=False)
                    & ~Q(backdate_approved_by=models.F("registered_by"))
                ),
                name="application_backdated_approved_by_second_officer",
            ),
            models.CheckConstraint(
                condition=Q(status="removed", removal_reason__isnull=False)
                | (~Q(status="removed") & Q(removal_reason__isnull=True)),
                name="application_removed_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="allocated") | Q(parcel__isnull=False),
                name="application_allocated_with_parcel",
            ),
            # Once in a lifetime per purpose (Land Code art. 9), held by the database: two
            # acceptances at once in two settlements' queues cannot both commit. The index
            # also serves the "one plot per purpose" trigger's look-up of people (without
            # it a bulk import on a young table turns quadratic).
            models.UniqueConstraint(
                fields=["iin_digest", "purpose"],
                condition=Q(status="allocated"),
                name="application_plot_once_per_purpose_unique",
                violation_error_message=_(
                    "This person has already received a plot for this purpose (once in a lifetime)."
                ),
            ),
        ]
        indexes = [
            models.Index(
                fields=["queue", "filed_at", "number"],
                condition=Q(status="waiting"),
                name="application_waiting_order",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class QueueDay(models.Model):
    """How many applications filed on one day (UTC) wait in a queue; kept by a trigger."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    waiting = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["queue", "day"], name="queueday_unique")]

    def __str__(self) -> str:
        return f"{self.queue_id} {self.day}: {self.waiting}"


class LotDraw(models.Model):
    """Lots drawn among the next applicants for one parcel, replayable from the seed.

    The winner is candidates[int(sha256(seed + "|" + ",".join(candidates)), 16) % n]:
    anyone can redo it with any SHA-256 tool from what the ledger publishes.
    """

    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="draws")
    parcel = models.ForeignKey("parcels.Parcel", on_delete=models.PROTECT, related_name="+")
    seed = models.CharField(max_length=64)
    candidates = models.JSONField()
    winner_number = models.CharField(max_length=40)
    drawn_at = models.DateTimeField(auto_now_add=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.parcel_id}: {self.winner_number}"


class Offer(models.Model):
    """A free parcel offered to an application, open until accepted, refused or expired."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACCEPTED = "accepted", _("accepted")
        REFUSED = "refused", _("refused")
        EXPIRED = "expired", _("expired")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="offers")
    parcel = models.ForeignKey("parcels.Parcel", on_delete=models.PROTECT, related_name="offers")
    draw = models.ForeignKey(LotDraw, on_delete=models.PROTECT, null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    offered_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # A refusal on the applicant's behalf: one officer records the applicant's signed refusal
    # (its number and date) and the reason; a second officer confirms it before the parcel
    # passes on. An offer that runs out of time expires without either.
    refusal_document = models.CharField(_("refusal document number"), max_length=100, blank=True)
    refusal_document_date = models.DateField(_("refusal document date"), null=True, blank=True)
    refusal_reason = models.TextField(_("refusal reason"), blank=True)
    refusal_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refusal_requested_at = models.DateTimeField(null=True, blank=True)
    refusal_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["parcel"], condition=Q(status="open"), name="offer_one_open_per_parcel"
            ),
            # Two-person rule for refusals, whatever path writes: a document, a reason and
            # two different officers.
            models.CheckConstraint(
                condition=~Q(status="refused")
                | (
                    Q(refusal_document__gt="")
                    & Q(refusal_document_date__isnull=False)
                    & Q(refusal_reason__gt="")
                    & Q(refusal_requested_by__isnull=False)
                    & Q(refusal_confirmed_by__isnull=False)
                    & ~Q(refusal_requested_by=models.F("refusal_confirmed_by"))
                ),
                name="offer_refused_with_document_and_two_officers",
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status="open"),
                name="offer_one_open_per_application",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} <- {self.parcel_id} ({self.status})"


class LedgerEntry(models.Model):
    """One queue event in the public, hash-chained ledger (append-only in the database).

    entry_hash = sha256(previous_hash + "\\n" + canonical JSON of public_form()), see
    queues/ledger.py. Nothing personal: the applicant is the application number and the
    keyed hash of the IIN.
    """

    class Event(models.TextChoices):
        REGISTERED = "registered", _("registered")
        VERIFIED = "verified", _("documents verified")
        LOT_DRAWN = "lot_drawn", _("lots drawn")
        OFFERED = "offered", _("plot offered")
        ACCEPTED = "accepted", _("plot allocated")
        REFUSED = "refused", _("offer refused")
        EXPIRED = "expired", _("offer expired")
        REMOVED = "removed", _("removed from the queue")
        CORRECTED = "corrected", _("record corrected")
        BACKDATE_APPROVED = "backdate_approved", _("back-dated filing approved")
        BACKDATE_REJECTED = "backdate_rejected", _("back-dated filing rejected")

    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="ledger")
    sequence = models.PositiveBigIntegerField()
    recorded_at = models.DateTimeField()
    event = models.CharField(max_length=20, choices=Event.choices)
    application_number = models.CharField(max_length=40, blank=True)
    applicant_key = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["queue", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["queue", "sequence"], name="ledger_sequence_unique")
        ]
        indexes = [
            models.Index(
                fields=["queue", "application_number", "sequence"], name="ledger_application_idx"
            ),
            models.Index(fields=["queue", "recorded_at"], name="ledger_recorded_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.queue_id}#{self.sequence} {self.event}"


class LedgerRoot(models.Model):
    """The chain's head hash published at the end of a day: later chains must extend it."""

    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="roots")
    day = models.DateField()
    sequence = models.PositiveBigIntegerField()
    root_hash = models.CharField(max_length=64)
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["queue", "day"]
        constraints = [models.UniqueConstraint(fields=["queue", "day"], name="root_one_per_day")]

    def __str__(self) -> str:
        return f"{self.queue_id} {self.day}: {self.root_hash}"
