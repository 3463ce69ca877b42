"""Citizen appeals pinned on the map, with their deadlines (АППК arts. 63, 64, 76).

The applicant's identity (art. 63: full name, IIN, contact) is private: it lives only on
Appeal's applicant_* fields, shown to staff who handle appeals, never on public pages.
"""

import datetime
import secrets

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from geodata.models import NamedInThreeLanguages


class CalendarDay(models.Model):
    """A day that differs from the plain Monday-Friday week: a day off or a working day."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("day off (holiday or transfer)")
        WORKING = "working", _("working day (transferred onto a weekend)")

    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()}"


class Department(NamedInThreeLanguages, models.Model):
    """A department of the akimat that answers appeals (routing target)."""

    slug = models.SlugField(_("code"), unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail for new appeals"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    # Appeals operators act only on their departments' appeals (appeals.selectors.staff);
    # administrators keep this list, the operators themselves cannot change it.
    operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="appeal_departments",
        verbose_name=_("appeals operators"),
        help_text=_("Staff who answer this department's appeals; they see no other's."),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class Category(NamedInThreeLanguages, models.Model):
    """What an appeal is about, with the department responsible; configurable by staff."""

    slug = models.SlugField(_("code"), unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="categories",
        verbose_name=_("responsible department"),
    )
    # Art. 63: anonymous appeals are not considered, except reports of a crime or of a
    # threat to public safety.
    allows_anonymous = models.BooleanField(_("anonymous filing allowed"), default=False)
    # Routed to the department whose area (a geodata layer, appeals.selectors.routing) holds
    # the pin.
    routed_by_area = models.BooleanField(_("routed by the area of the pin"), default=False)
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("order in lists"), default=100)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name


class Appeal(models.Model):
    """One appeal, registered at once and answered by its deadline."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        IN_PROGRESS = "in_progress", _("in progress")
        FORWARDED = "forwarded", _("forwarded to another body")
        ANSWERED = "answered", _("answered")
        REJECTED = "rejected", _("rejected")
        CLOSED = "closed", _("closed")

    OPEN_STATUSES = (Status.REGISTERED, Status.IN_PROGRESS)

    class Channel(models.TextChoices):
        WEB = "web", _("the portal")
        WALK_IN = "walk_in", _("front office (walk-in)")
        PHONE = "phone", _("phone")
        SOCIAL = "social", _("social network")
        EOTINISH = "eotinish", _("national e-appeals service")

    number = models.CharField(_("number"), max_length=30, unique=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("category")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("department")
    )
    location = models.PointField(_("place"), srid=4326)
    address = models.CharField(_("address"), max_length=300, blank=True)
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB
    )
    received_at = models.DateTimeField(_("received"))
    registered_on = models.DateField(_("registered on"))
    deadline = models.DateField(_("answer due"))
    extended_until = models.DateField(_("extended until"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by (blank: the portal)"),
    )
    # Private (art. 63): shown to appeals staff only.
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    applicant_name = models.CharField(_("full name"), max_length=300, blank=True)
    applicant_iin_encrypted = models.TextField(_("IIN (encrypted)"), blank=True)
    applicant_iin_digest = models.CharField(max_length=64, blank=True, db_index=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=40, blank=True)
    applicant_address = models.CharField(_("postal address"), max_length=300, blank=True)
    # A retried submission (double tap, flaky connection) carries the same key: one appeal.
    idempotency_key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    # Open311: the partner app that posted it and the token it was given (tokens/{token}).
    partner = models.ForeignKey(
        "PartnerApiKey", on_delete=models.PROTECT, null=True, blank=True, related_name="appeals"
    )
    partner_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # Moderation keeps the original and the reason; the public sees neither.
    description_hidden = models.BooleanField(_("description hidden from the public"), default=False)
    hidden_reason = models.CharField(_("why it is hidden"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_anonymous=True) | ~Q(applicant_name=""),
                name="appeal_named_unless_anonymous",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("registered_on")),
                name="appeal_deadline_after_registration",
            ),
            # appeals.services.filing.idempotency_key_scoped: each door's keys apart.
            models.CheckConstraint(
                condition=Q(idempotency_key__isnull=True)
                | Q(idempotency_key__regex=r"^(web|staff|open311:[0-9]+):."),
                name="appeal_idempotency_key_scoped",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"], name="appeal_status_deadline_idx"),
            models.Index(fields=["category", "status"], name="appeal_category_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def due(self) -> datetime.date:
        """The date the answer is due: the extension's if there is one."""
        return self.extended_until or self.deadline


class AppealPhoto(models.Model):
    """A photo of the filer or of the answer: re-encoded, metadata stripped, <= 2048 px."""

    class Source(models.TextChoices):
        FILER = "filer", _("filer")
        ANSWER = "answer", _("answer")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="photos")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FILER)
    image = models.ImageField(
        upload_to="appeals/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    is_hidden = models.BooleanField(_("hidden from the public"), default=False)
    hidden_reason = models.CharField(_("why it is hidden"), max_length=300, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.appeal_id}: {self.image.name}"

    def get_absolute_url(self) -> str:
        """Where the portal serves it, after checking who asks (appeals.views.public.photos)."""
        return reverse("appeals:photo", args=[self.appeal.number, self.pk])


class AppealEvent(models.Model):
    """One step in an appeal's history: a status change, a reassignment, an extension."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status_before = models.CharField(max_length=20, blank=True)
    status_after = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["appeal", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.status_before}->{self.status_after}"


def follower_token() -> str:
    return secrets.token_urlsafe(24)


class AppealFollower(models.Model):
    """Someone who follows an appeal (instead of filing a duplicate) to hear of its answer.

    Mails go only to a confirmed address: whoever typed it must open the link sent there
    (`token`), so nobody can sign someone else up. The same link stops the following.
    """

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="followers")
    email = models.EmailField(_("e-mail"))
    created_at = models.DateTimeField(auto_now_add=True)
    token = models.CharField(max_length=40, unique=True, default=follower_token, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appeal", "email"], name="follower_once_per_appeal")
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id}: follower"


class PartnerApiKey(models.Model):
    """An API key issued to a partner app for Open311 POST requests (only its hash kept)."""

    name = models.CharField(_("partner"), max_length=200)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partner API key")
        verbose_name_plural = _("partner API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
