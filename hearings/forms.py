"""Every form of the hearings: the resident's comment, the list's filters, the organiser's."""

import datetime
import json
import secrets

from django import forms
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geodata.models import LayerVersion
from hearings.models import Answer, Comment, CommentReport, Topic
from hearings.selectors.discussion import CommentFilters, versions_for_hearing
from hearings.services.comments import TEXT_MAX, Author, Place
from hearings.services.schedule import Particulars
from rgis.personal import InvalidIIN, iin_validate

# The comment form's key is made by the server and signed (as appeals' filing key): a client
# cannot choose it, so cannot pre-claim anyone's, and a form older than a day is sent back.
COMMENT_KEY_SALT = "hearings.comment-key"
COMMENT_KEY_MAX_AGE_SECONDS = 24 * 3600


def comment_key_new() -> str:
    """A fresh key for one comment form: a random token, signed with the time it was made."""
    return signing.TimestampSigner(salt=COMMENT_KEY_SALT).sign(secrets.token_hex(16))


def comment_key_open(signed: str) -> str | None:
    """The token of a key this portal made within the day; None for anything else."""
    try:
        return signing.TimestampSigner(salt=COMMENT_KEY_SALT).unsign(
            signed.strip(), max_age=COMMENT_KEY_MAX_AGE_SECONDS
        )
    except signing.BadSignature:
        return None


class CommentForm(forms.Form):
    """A comment as a resident writes it: works without JavaScript (the map only adds the pin).

    The photos are read from request.FILES by the view and checked by the service.
    """

    WHERE_CHOICES = [
        ("none", _("No particular place")),
        ("address", _("An address")),
        ("parcel", _("A parcel, by its cadastral number")),
        ("map", _("A point on the map")),
    ]

    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.filter(is_active=True).order_by("position", "slug"),
        to_field_name="slug",
        empty_label=_("— pick one —"),
    )
    text = forms.CharField(label=_("Your comment"), max_length=TEXT_MAX, widget=forms.Textarea)
    where = forms.ChoiceField(
        label=_("Where?"), choices=WHERE_CHOICES, initial="none", widget=forms.RadioSelect
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    cadastral_number = forms.CharField(label=_("Cadastral number"), max_length=40, required=False)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    lives_inside = forms.BooleanField(
        label=_("I live or hold land inside the territory of the plan"), required=False
    )
    full_name = forms.CharField(label=_("Full name"), max_length=300)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    iin = forms.CharField(label=_("IIN (optional)"), max_length=20, required=False)
    idempotency_key = forms.CharField(max_length=200, widget=forms.HiddenInput)
    # The honeypot: hidden from people, filled in by form-filling robots.
    website = forms.CharField(required=False, max_length=300)

    def clean_iin(self) -> str:
        text = self.cleaned_data["iin"].strip()
        if not text:
            return ""
        try:
            return iin_validate(text)
        except InvalidIIN as invalid:
            raise forms.ValidationError(invalid.messages) from None

    def clean(self) -> dict:
        data = super().clean() or {}
        where = data.get("where")
        if where == "address" and not data.get("address", "").strip():
            self.add_error("address", _("Write the address, or pick “No particular place”."))
        if where == "parcel" and not data.get("cadastral_number", "").strip():
            self.add_error("cadastral_number", _("Write the parcel's cadastral number."))
        if where == "map" and (data.get("lat") is None or data.get("lon") is None):
            self.add_error("where", _("Tap the map where your comment is about."))
        if "email" not in self.errors and not (data.get("email") or data.get("phone", "").strip()):
            self.add_error("email", _("Leave an e-mail or a phone: the answer is sent there."))
        return data

    def author(self) -> Author:
        data = self.cleaned_data
        return Author(
            full_name=data["full_name"], email=data["email"], phone=data["phone"], iin=data["iin"]
        )

    def place(self) -> Place:
        data = self.cleaned_data
        where = data["where"]
        if where == "map":
            return Place(lat=data["lat"], lon=data["lon"], address=data["address"])
        if where == "parcel":
            return Place(cadastral_number=data["cadastral_number"])
        if where == "address":
            return Place(address=data["address"])
        return Place()


class StaffCommentForm(CommentForm):
    """A comment said aloud at the meeting or handed in on paper, entered by staff."""

    channel = forms.ChoiceField(
        label=_("How it was made"),
        choices=[
            (Comment.Channel.MEETING.value, Comment.Channel.MEETING.label),
            (Comment.Channel.PAPER.value, Comment.Channel.PAPER.label),
            (Comment.Channel.STAFF.value, Comment.Channel.STAFF.label),
        ],
    )
    language = forms.ChoiceField(
        label=_("Language of the answer's letter"),
        choices=[("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")],
    )


class CommentFilterForm(forms.Form):
    """The list's filters: a plain GET form, so a filtered list can be shared."""

    YES_NO = [("", _("all")), ("yes", _("yes")), ("no", _("no"))]

    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.order_by("position", "slug"),
        to_field_name="slug",
        required=False,
        empty_label=_("all"),
    )
    answered = forms.ChoiceField(label=_("Answered"), choices=YES_NO, required=False)
    inside = forms.ChoiceField(
        label=_("From residents of the territory"), choices=YES_NO, required=False
    )

    def filters(self) -> CommentFilters:
        if not self.is_bound:
            return CommentFilters()
        self.is_valid()  # cleaned_data then holds the valid fields only
        data = self.cleaned_data
        topic = data.get("topic")

        def yes_no(name: str) -> bool | None:
            value = data.get(name) or ""
            return None if not value else value == "yes"

        return CommentFilters(
            topic=topic.slug if topic is not None else "",
            answered=yes_no("answered"),
            inside=yes_no("inside"),
        )


class ReportForm(forms.Form):
    """A reader's report of a comment: why, and optionally a few words more."""

    reason = forms.ChoiceField(
        label=_("Why should the moderator look at it?"),
        choices=CommentReport.Reason.choices,
        widget=forms.RadioSelect,
    )
    detail = forms.CharField(
        label=_("Details (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModerationForm(forms.Form):
    """The moderator's decision on a comment: restore, hide with a reason, or edit the text."""

    ACTIONS = [
        ("restore", _("Show it")),
        ("hide", _("Hide it, with the reason below")),
        ("redact", _("Take personal data out of the text")),
    ]

    action = forms.ChoiceField(label=_("Decision"), choices=ACTIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason the public reads"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    text = forms.CharField(
        label=_("Text as the public should read it"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


# ------------------------------------------------------------------------ the organiser's


class _VersionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: LayerVersion) -> str:
        return f"{obj.layer.plan.name} / {obj.layer.name} v{obj.number}"


class HearingForm(forms.Form):
    """A hearing's particulars; the territory as GeoJSON (blank: the plan's area)."""

    version = _VersionChoice(
        label=_("Draft version shown"), queryset=versions_for_hearing(), required=False
    )
    slug = forms.SlugField(label=_("Code (in the link)"), max_length=100)
    title_kk = forms.CharField(label=_("Title (Kazakh)"), max_length=300)
    title_ru = forms.CharField(label=_("Title (Russian)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    territory_name = forms.CharField(label=_("Territory name"), max_length=100)
    territory = forms.CharField(
        label=_("Territory (GeoJSON, WGS 84)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leave blank to keep it (a new hearing takes the plan's area)."),
    )
    announced_on = forms.DateField(
        label=_("Announced on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    opens_at = forms.DateTimeField(
        label=_("Comments accepted from"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    closes_at = forms.DateTimeField(
        label=_("Comments accepted until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    organiser_contacts = forms.CharField(
        label=_("Organiser's contacts"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_territory(self) -> GEOSGeometry | None:
        text = self.cleaned_data["territory"].strip()
        if not text:
            return None
        try:
            json.loads(text)
            geometry = GEOSGeometry(text, srid=4326)
        except (ValueError, GEOSException):
            raise forms.ValidationError(_("This is not a GeoJSON polygon.")) from None
        return geometry

    def particulars(self) -> Particulars:
        data = self.cleaned_data
        return Particulars(
            slug=data["slug"],
            title_kk=data["title_kk"],
            title_ru=data["title_ru"],
            title_en=data["title_en"],
            territory_name=data["territory_name"],
            announced_on=data["announced_on"],
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            organiser_contacts=data["organiser_contacts"],
            territory=data["territory"],
        )


class MeetingForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label=_("Place"), max_length=300)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")

    def starts_at(self) -> datetime.datetime:
        data = self.cleaned_data
        return timezone.make_aware(datetime.datetime.combine(data["day"], data["time"]))

    def location(self) -> tuple[float, float] | None:
        lat, lon = self.cleaned_data.get("lat"), self.cleaned_data.get("lon")
        return None if lat is None or lon is None else (lat, lon)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    file = forms.FileField(label=_("PDF file"))


class AnswerForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Decision"), choices=Answer.Verdict.choices, widget=forms.RadioSelect
    )
    reason_kk = forms.CharField(
        label=_("Reason (Kazakh)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    reason_ru = forms.CharField(
        label=_("Reason (Russian)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
