"""Forms of the queue pages: the officers' (plain HTML forms, keyboard-friendly) and the
residents' look-up."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parcels.models import Parcel
from queues.models import Application, Queue, RemovalReason
from queues.selectors.staff import parcels_offerable
from queues.services.draws import DRAW_MAX, DRAW_MIN
from rgis.personal import InvalidIIN, iin_validate

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M"]


class ParcelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        parcel: Parcel = obj
        return f"{parcel.cadastral_number} · {parcel.address} · {parcel.area_ha} ha"


class ApplicationRegisterForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=300)
    iin = forms.CharField(
        label=_("IIN"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    filed_at = forms.DateTimeField(
        label=_("Filed"),
        required=False,
        widget=DATETIME_INPUT,
        input_formats=DATETIME_FORMATS,
        help_text=_("Leave empty for now; give it for an application filed on paper earlier."),
    )
    backdate_document = forms.CharField(
        label=_("Paper application or archive record number"),
        max_length=100,
        required=False,
        help_text=_("Needed for a filing date before today; a second officer approves it."),
    )
    backdate_document_date = forms.DateField(
        label=_("Its date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    backdate_reason = forms.CharField(
        label=_("Why the filing date is earlier than today"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_iin(self) -> str:
        # InvalidIIN is a ValidationError: its message (check digit, date ...) shows as is.
        return iin_validate(self.cleaned_data["iin"])


class OfferForm(forms.Form):
    parcel = ParcelChoiceField(label=_("Parcel"), queryset=Parcel.objects.none())
    # The head the officer saw: if it changed meanwhile, the offer is refused.
    application = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, queue: Queue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["parcel"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = parcels_offerable(queue)


class DrawForm(forms.Form):
    parcel = ParcelChoiceField(label=_("Parcel"), queryset=Parcel.objects.none())
    among = forms.IntegerField(
        label=_("Draw among the next"), min_value=DRAW_MIN, max_value=DRAW_MAX, initial=5
    )

    def __init__(self, *args: Any, queue: Queue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["parcel"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = parcels_offerable(queue)


class RefusalForm(forms.Form):
    """The applicant's signed refusal of an offer, recorded by one officer."""

    document_number = forms.CharField(label=_("Refusal document number"), max_length=100)
    document_date = forms.DateField(
        label=_("Refusal document date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class RemoveForm(forms.Form):
    reason = forms.ModelChoiceField(
        label=_("Reason"), queryset=RemovalReason.objects.filter(is_active=True)
    )
    note = forms.CharField(
        label=_("Note (documents, for the audit log)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CorrectForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=300)
    iin = forms.CharField(
        label=_("IIN"),
        max_length=20,
        required=False,
        help_text=_("Leave empty to keep the IIN as it is."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    filed_at = forms.DateTimeField(
        label=_("Filed"),
        widget=DATETIME_INPUT,
        input_formats=DATETIME_FORMATS,
        help_text=_("Changing it moves the application in the queue; the ledger shows it."),
    )
    reason = forms.CharField(
        label=_("Why (the document the correction follows)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        self.application = application
        initial = {
            "full_name": application.full_name,
            "email": application.email,
            "phone": application.phone,
            "filed_at": timezone.localtime(application.filed_at).replace(second=0, microsecond=0),
        }
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)

    def clean_iin(self) -> str:
        text = self.cleaned_data["iin"]
        return iin_validate(text) if text.strip() else ""

    def changes(self) -> dict[str, Any]:
        """Only the fields the officer changed (the form shows the current values)."""
        data = self.cleaned_data
        current = self.application
        changes: dict[str, Any] = {}
        if " ".join(data["full_name"].split()) != current.full_name:
            changes["full_name"] = data["full_name"]
        if data["iin"]:
            changes["iin"] = data["iin"]
        if data["email"] != current.email:
            changes["email"] = data["email"]
        if data["phone"].strip() != current.phone:
            changes["phone"] = data["phone"]
        shown = timezone.localtime(current.filed_at).replace(second=0, microsecond=0)
        if data["filed_at"] != shown:
            changes["filed_at"] = data["filed_at"]
        return changes


class RegisterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Register file"),
        help_text=_(
            'CSV or XLSX; the first row names the columns: "Номер", "ФИО", "ИИН", '
            '"Дата подачи", and optionally "E-mail", "Телефон" (Kazakh or English names '
            "work too)."
        ),
    )


def form_errors_labelled(form: forms.Form) -> str:
    """Every error of a bound form as one flash message, each after its field's label."""
    texts = {name: " ".join(str(error) for error in errors) for name, errors in form.errors.items()}
    return " ".join(
        f"{form.fields[name].label}: {text}" if name in form.fields else text
        for name, text in texts.items()
    )


# The residents' look-up -------------------------------------------------------------------


class SinceField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self) -> None:
        super().__init__(
            required=False,
            label=_("Show changes since"),
            input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        )

    def validate(self, value: datetime.date | None) -> None:
        super().validate(value)
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))


class NumberLookupForm(forms.Form):
    number = forms.CharField(label=_("Application number"), max_length=40, required=False)
    since = SinceField()


class IinLookupForm(forms.Form):
    iin = forms.CharField(label=_("IIN"), max_length=20)
    since = SinceField()

    def clean_iin(self) -> str:
        try:
            return iin_validate(self.cleaned_data["iin"])
        except InvalidIIN as invalid:
            raise forms.ValidationError(invalid.messages) from None
