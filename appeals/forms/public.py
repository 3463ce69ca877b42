"""Forms of the public appeal pages: filing, following, and the list's filters."""

import datetime
import secrets
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.http import QueryDict
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from appeals.models import Appeal, Category, Department
from appeals.selectors.public import AppealFilters, category_active_get
from appeals.services.filing import DESCRIPTION_MAX, Applicant
from rgis.personal import InvalidIIN, iin_validate

# The filing form's key is made by the server and signed: a client cannot choose it (and so
# cannot pre-claim anyone's), and a form older than this is sent back to be checked again.
FILING_KEY_SALT = "appeals.filing-key"
FILING_KEY_MAX_AGE_SECONDS = 24 * 3600


def filing_key_new() -> str:
    """A fresh key for one filing form: a random token, signed with the time it was made."""
    return signing.TimestampSigner(salt=FILING_KEY_SALT).sign(secrets.token_hex(16))


def filing_key_open(signed: str) -> str | None:
    """The token of a key this portal made within the day; None for anything else."""
    try:
        return signing.TimestampSigner(salt=FILING_KEY_SALT).unsign(
            signed.strip(), max_age=FILING_KEY_MAX_AGE_SECONDS
        )
    except signing.BadSignature:  # forged, altered, or expired (SignatureExpired)
        return None


class FilingForm(forms.Form):
    """An appeal as a resident files it (АППК art. 63: who, where, what).

    The photos are read from request.FILES by the view and checked by the service.
    """

    category = forms.CharField(label=_("What is it about?"), max_length=50)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    address = forms.CharField(label=_("Address or landmark"), max_length=300, required=False)
    # A place picked among the address search's results on the page without JavaScript.
    place = forms.CharField(required=False, max_length=60)
    description = forms.CharField(
        label=_("What is wrong?"), max_length=DESCRIPTION_MAX, widget=forms.Textarea
    )
    anonymous = forms.BooleanField(label=_("File anonymously"), required=False)
    full_name = forms.CharField(label=_("Full name"), max_length=300, required=False)
    iin = forms.CharField(label=_("IIN (12 digits)"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    postal_address = forms.CharField(label=_("Postal address"), max_length=300, required=False)
    idempotency_key = forms.CharField(max_length=100, widget=forms.HiddenInput)
    # The honeypot: hidden from people, filled in by form-filling robots.
    website = forms.CharField(required=False, max_length=300)
    nearby_shown = forms.CharField(required=False, max_length=1, widget=forms.HiddenInput)

    def clean_category(self) -> Category:
        category = category_active_get(self.cleaned_data["category"])
        if category is None:
            raise forms.ValidationError(_("Pick a category from the list."))
        return category

    def clean_place(self) -> tuple[float, float] | None:
        text = self.cleaned_data["place"].strip()
        if not text:
            return None
        try:
            lat, lon = (float(part) for part in text.split(","))
        except ValueError:
            raise forms.ValidationError(_("Pick one of the places listed.")) from None
        return lat, lon

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None):
            self.add_error("lon", _("Give both the latitude and the longitude, or neither."))
        if data.get("place") and lat is None:
            data["lat"], data["lon"] = data["place"]
        category = data.get("category")
        if data.get("anonymous"):
            if isinstance(category, Category) and not category.allows_anonymous:
                self.add_error(
                    "anonymous",
                    _(
                        "Anonymous appeals are not considered in this category (Administrative "
                        "Procedural Code, art. 63). Give your name, IIN and a contact."
                    ),
                )
            return data
        if not " ".join(data.get("full_name", "").split()):
            self.add_error("full_name", _("Enter your full name."))
        iin = data.get("iin", "").strip()
        if not iin:
            self.add_error("iin", _("Enter your IIN (12 digits)."))
        else:
            try:
                data["iin"] = iin_validate(iin)
            except InvalidIIN as invalid:
                self.add_error("iin", invalid.messages)
        if "email" not in self.errors and not (
            data.get("email") or data.get("phone", "").strip() or data.get("postal_address")
        ):
            self.add_error(
                "email", _("Leave an e-mail, a phone or a postal address for the answer.")
            )
        return data

    def location(self) -> tuple[float, float] | None:
        """The pin (lat, lon) if the filer gave one, by the map, coordinates or a pick."""
        lat, lon = self.cleaned_data.get("lat"), self.cleaned_data.get("lon")
        return None if lat is None or lon is None else (lat, lon)

    def applicant(self) -> Applicant:
        """Who files (nobody, for an anonymous report)."""
        if self.cleaned_data["anonymous"]:
            return Applicant()
        return Applicant.from_fields(self.cleaned_data)


class FollowForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail"))


class AppealFilterForm(forms.Form):
    """The list's and the journal's filters: a plain GET form, so results can be shared."""

    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.order_by("position", "slug"),
        to_field_name="slug",
        required=False,
        empty_label=_("all"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("all")), *Appeal.Status.choices],
        required=False,
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("slug"),
        to_field_name="slug",
        required=False,
        empty_label=_("all"),
    )
    received_from = forms.DateField(
        label=_("Received from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    received_to = forms.DateField(
        label=_("to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def filters(self) -> AppealFilters:
        """The valid filters (an invalid one is left out, and shown as an error)."""
        if not self.is_bound:
            return AppealFilters()
        self.is_valid()  # cleaned_data then holds the valid fields only
        data = self.cleaned_data
        return AppealFilters(
            category=data.get("category"),
            status=data.get("status") or "",
            department=data.get("department"),
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
        )

    def query(self) -> str:
        """The valid filters as a query string, for the pager and the CSV link."""
        if not self.is_bound:
            return ""
        self.is_valid()
        return urlencode(
            [
                (name, self.data[name])
                for name in self.fields
                if self.data.get(name) and name in self.cleaned_data
            ]
        )


class JournalFilterForm(AppealFilterForm):
    """The journal's filters: always a range of received dates (the last month unless
    chosen, at most RGIS_APPEALS_JOURNAL_MAX_DAYS), so the page and its CSV are bounded."""

    DEFAULT_DAYS = 30

    def __init__(self, data: QueryDict, *, today: datetime.date) -> None:
        self.today = today
        self.default_from = today - datetime.timedelta(days=self.DEFAULT_DAYS)
        chosen = data.copy()
        # Dates left blank are the default range, shown in the form and carried to the CSV.
        if not chosen.get("received_to"):
            chosen["received_to"] = today.isoformat()
        if not chosen.get("received_from"):
            chosen["received_from"] = self.default_from.isoformat()
        super().__init__(chosen)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("received_from"), data.get("received_to")
        if start is None or end is None:
            return data
        if end < start:
            self.add_error("received_to", _("The end of the range is before its start."))
        elif (end - start).days >= settings.RGIS_APPEALS_JOURNAL_MAX_DAYS:
            self.add_error(
                "received_from",
                _("Pick at most %(days)s days at a time.")
                % {"days": settings.RGIS_APPEALS_JOURNAL_MAX_DAYS},
            )
        return data

    def dates_valid(self) -> bool:
        self.is_valid()
        return not ({"received_from", "received_to"} & set(self.errors))

    def filters(self) -> AppealFilters:
        """The valid filters; a bad range is the default one (the error is shown)."""
        filters = super().filters()
        if self.dates_valid():
            return filters
        return AppealFilters(
            category=filters.category,
            status=filters.status,
            department=filters.department,
            received_from=self.default_from,
            received_to=self.today,
        )
