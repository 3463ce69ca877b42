"""Public hearings on draft plans (Order No. 505): the hearing, its meetings, documents,
the residents' comments and the organiser's answers.

A commenter's identity (the protocol lists participants) is private: name, contacts and
IIN are encrypted at rest (rgis.personal) and shown to organisers only; the public sees a
pseudonym numbered per hearing ("Resident of Сәулет #14").
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import F, Func, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from geodata.models import NamedInThreeLanguages
from hearings.rules import HEARING_TIME_ZONE


class LocalMidnight(Func):
    """The first moment of a date on the hearings' clock (Asia/Almaty), for constraints."""

    template = f"((%(expressions)s)::timestamp AT TIME ZONE '{HEARING_TIME_ZONE}')"
    output_field = models.DateTimeField()


class Topic(NamedInThreeLanguages, models.Model):
    """What a comment is about (housing, roads, green space…): a list staff keep."""

    slug = models.SlugField(_("code"), unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    colour = models.CharField(_("colour on the map"), max_length=7, default="#555555")
    position = models.PositiveSmallIntegerField(_("order in lists"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("hearing topic")
        verbose_name_plural = _("hearing topics")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name


class Hearing(models.Model):
    """The public discussion of one draft: the plan version shown, never a later one."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("being prepared")
        ANNOUNCED = "announced", _("announced")
        OPEN = "open", _("open for comments")
        CLOSED = "closed", _("closed")
        PROTOCOL_PUBLISHED = "protocol_published", _("protocol published")

    slug = models.SlugField(_("code"), max_length=100, unique=True)
    plan = models.ForeignKey(
        "geodata.Plan", on_delete=models.PROTECT, related_name="hearings", verbose_name=_("plan")
    )
    version = models.ForeignKey(
        "geodata.LayerVersion",
        on_delete=models.PROTECT,
        related_name="hearings",
        verbose_name=_("draft version shown"),
    )
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    territory_name = models.CharField(
        _("territory name"),
        max_length=100,
        help_text=_("As the pseudonyms say it: “Resident of Сәулет #14”."),
    )
    territory = models.MultiPolygonField(_("territory"), srid=settings.RGIS_STORAGE_SRID)
    announced_on = models.DateField(_("announced on"))
    opens_at = models.DateTimeField(_("comments accepted from"))
    closes_at = models.DateTimeField(_("comments accepted until"))
    organiser_contacts = models.TextField(
        _("organiser's contacts"), help_text=_("E-mail and phone for information and copies.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # The last pseudonym number given; the comment service locks the row to give the next.
    comment_serial = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("public hearing")
        verbose_name_plural = _("public hearings")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="hearing_window_closes_after_open"
            ),
            # hearings.rules.schedule_problems says the same in words.
            models.CheckConstraint(
                condition=Q(opens_at__gte=LocalMidnight("announced_on")),
                name="hearing_window_not_before_announcement",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """The title in the active language (Kazakh when none is active or it is blank)."""
        language = (get_language() or "kk")[:2]
        return getattr(self, f"title_{language}", "") or self.title_kk

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT


class Meeting(models.Model):
    """An open meeting (открытое собрание): no earlier than 20 days after the announcement."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=300)
    location = models.PointField(_("on the map"), srid=4326, null=True, blank=True)
    online_link = models.URLField(_("online link"), blank=True)

    class Meta:
        verbose_name = _("open meeting")
        verbose_name_plural = _("open meetings")
        ordering = ["hearing", "starts_at"]

    def __str__(self) -> str:
        return f"{self.hearing_id} {self.starts_at:%Y-%m-%d %H:%M}"


class HearingDocument(models.Model):
    """A document of the draft (explanatory note, drawings): a PDF checked on upload."""

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="hearings/%Y/%m/", max_length=300)
    size = models.PositiveIntegerField(_("size, bytes"), default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hearing document")
        verbose_name_plural = _("hearing documents")
        ordering = ["hearing", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Comment(models.Model):
    """A resident's proposal on the draft, numbered per hearing for its pseudonym."""

    class Moderation(models.TextChoices):
        VISIBLE = "visible", _("shown")
        PENDING = "pending", _("hidden pending review")
        HIDDEN = "hidden", _("hidden by the moderator")

    class Channel(models.TextChoices):
        WEB = "web", _("the portal")
        MEETING = "meeting", _("said aloud at the meeting")
        PAPER = "paper", _("on paper")
        STAFF = "staff", _("entered by staff")

    hearing = models.ForeignKey(Hearing, on_delete=models.PROTECT, related_name="comments")
    number = models.PositiveIntegerField(_("number in the hearing"))
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="comments", verbose_name=_("topic")
    )
    place = models.GeometryField(_("place"), srid=settings.RGIS_STORAGE_SRID, null=True)
    # What the commenter wrote for the place: an address, or the parcel's cadastral number.
    place_text = models.CharField(_("address or cadastral number"), max_length=300, blank=True)
    text = models.TextField(_("comment"))
    lives_inside = models.BooleanField(_("lives or holds land inside the territory"))
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    # The language the commenter used: the answer's letter is written in it.
    language = models.CharField(max_length=5, default="kk")
    # Private: encrypted with rgis.personal, read by organisers only.
    author_name_encrypted = models.TextField()
    author_email_encrypted = models.TextField(blank=True)
    author_phone_encrypted = models.TextField(blank=True)
    author_iin_encrypted = models.TextField(blank=True)
    author_iin_digest = models.CharField(max_length=64, blank=True, db_index=True)
    # "<door>:<key>", the door being "web" (a key the server signed) or "staff".
    idempotency_key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    # Moderation (hearings.services.moderation): readers' reports hide a comment pending
    # review; a moderator restores it or hides it with a reason the public reads.
    moderation = models.CharField(
        _("moderation"), max_length=10, choices=Moderation.choices, default=Moderation.VISIBLE
    )
    moderation_reason = models.CharField(_("public reason"), max_length=500, blank=True)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    # What the commenter wrote, kept for staff when a moderator took personal data out of
    # `text`; blank while the text is as written.
    text_original = models.TextField(_("text as written (staff only)"), blank=True)
    redacted_at = models.DateTimeField(_("edited by the moderator"), null=True, blank=True)

    class Meta:
        verbose_name = _("hearing comment")
        verbose_name_plural = _("hearing comments")
        ordering = ["hearing", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["hearing", "number"], name="comment_number_per_hearing"
            ),
            # The protocol lists participants: a name and one contact, always.
            models.CheckConstraint(
                condition=~Q(author_name_encrypted=""), name="comment_author_named"
            ),
            models.CheckConstraint(
                condition=~Q(author_email_encrypted="") | ~Q(author_phone_encrypted=""),
                name="comment_author_reachable",
            ),
            models.CheckConstraint(
                condition=Q(idempotency_key__isnull=True)
                | Q(idempotency_key__regex=r"^(web|staff):."),
                name="comment_idempotency_key_scoped",
            ),
            models.CheckConstraint(
                condition=Q(moderation__in=["visible", "pending", "hidden"]),
                name="comment_moderation_known",
            ),
            # The public reads why a moderator hid a comment: there is always a reason.
            models.CheckConstraint(
                condition=~Q(moderation="hidden") | ~Q(moderation_reason=""),
                name="comment_hidden_with_reason",
            ),
            # An edited text keeps the original, and only an edited one has one.
            models.CheckConstraint(
                condition=Q(redacted_at__isnull=True, text_original="")
                | (Q(redacted_at__isnull=False) & ~Q(text_original="")),
                name="comment_redaction_keeps_original",
            ),
        ]
        indexes = [models.Index(fields=["hearing", "topic"], name="comment_hearing_topic_idx")]

    def __str__(self) -> str:
        return f"{self.hearing_id} #{self.number}"

    @property
    def is_shown(self) -> bool:
        """Whether the public reads the text, photos and place (not hidden in any way)."""
        return self.moderation == self.Moderation.VISIBLE

    def pseudonym(self, territory_name: str) -> str:
        """What the public reads instead of the name: "Resident of Сәулет #14"."""
        return _("Resident of %(territory)s #%(number)s") % {
            "territory": territory_name,
            "number": self.number,
        }


class CommentReport(models.Model):
    """A reader's report of a comment: one per browser and one per connection (hashed)."""

    class Reason(models.TextChoices):
        OFFENSIVE = "offensive", _("offensive or abusive")
        PERSONAL_DATA = "personal_data", _("shows someone's personal data")
        SPAM = "spam", _("spam or advertising")
        OFF_TOPIC = "off_topic", _("not about the draft")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    detail = models.CharField(_("details"), max_length=500, blank=True)
    # SHA-256 of the browser's signed reader cookie, and the rate limiter's client id.
    browser_digest = models.CharField(max_length=64)
    client_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report of a comment")
        verbose_name_plural = _("reports of comments")
        ordering = ["comment", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "browser_digest"], name="comment_report_once_per_browser"
            ),
            models.UniqueConstraint(
                fields=["comment", "client_digest"], name="comment_report_once_per_client"
            ),
            models.CheckConstraint(
                condition=Q(reason__in=["offensive", "personal_data", "spam", "off_topic"]),
                name="comment_report_reason_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.comment} {self.reason}"


class CommentPhoto(models.Model):
    """A photo of a comment: re-encoded, metadata stripped (appeals.photos)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        upload_to="hearings/photos/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.comment_id}: {self.image.name}"


class Answer(models.Model):
    """The organiser's official answer to one comment, with its reason."""

    class Verdict(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        PARTLY = "partly", _("partly accepted")
        NOT_ACCEPTED = "not_accepted", _("not accepted")
        OUT_OF_SCOPE = "out_of_scope", _("outside the plan's scope")

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="answer")
    verdict = models.CharField(_("decision"), max_length=20, choices=Verdict.choices)
    reason_kk = models.TextField(_("reason (Kazakh)"), blank=True)
    reason_ru = models.TextField(_("reason (Russian)"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by (blank: the demo data)"),
    )
    answered_at = models.DateTimeField(_("answered"))

    class Meta:
        verbose_name = _("answer to a comment")
        verbose_name_plural = _("answers to comments")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason_kk="") | ~Q(reason_ru=""), name="answer_has_a_reason"
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=["accepted", "partly", "not_accepted", "out_of_scope"]),
                name="answer_verdict_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.comment} {self.verdict}"

    @property
    def reason(self) -> str:
        """The reason in the active language: Kazakh or Russian, whichever is written."""
        language = (get_language() or "kk")[:2]
        if language == "kk":
            return self.reason_kk or self.reason_ru
        return self.reason_ru or self.reason_kk


class Protocol(models.Model):
    """One frozen revision of a hearing's protocol: the printable page, the DOCX and the PDF
    as they were generated, each with its SHA-256. A later generation is a new revision;
    none is ever rewritten (hearings.services.protocols writes them)."""

    hearing = models.ForeignKey(Hearing, on_delete=models.PROTECT, related_name="protocols")
    number = models.PositiveIntegerField(_("revision"))
    generated_at = models.DateTimeField(_("generated"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("generated by"),
    )
    comment_count = models.PositiveIntegerField(_("comments in the protocol"))
    html = models.FileField(_("printable page"), max_length=300)
    html_sha256 = models.CharField(max_length=64)
    docx = models.FileField(_("DOCX"), max_length=300)
    docx_sha256 = models.CharField(max_length=64)
    pdf = models.FileField(_("PDF"), max_length=300)
    pdf_sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("hearing protocol")
        verbose_name_plural = _("hearing protocols")
        ordering = ["hearing", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["hearing", "number"], name="protocol_revision_per_hearing"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="protocol_revision_positive"),
            models.CheckConstraint(
                condition=Q(html_sha256__regex=r"^[0-9a-f]{64}$")
                & Q(docx_sha256__regex=r"^[0-9a-f]{64}$")
                & Q(pdf_sha256__regex=r"^[0-9a-f]{64}$"),
                name="protocol_files_hashed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hearing_id} protocol {self.number}"
