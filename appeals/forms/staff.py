"""Forms of the staff side: the front office, the board's filters and the actions."""

import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from appeals.models import Appeal, Category, Department
from appeals.photos import MAX_PHOTOS
from appeals.selectors.places import address_point
from appeals.selectors.staff import STATUS_ALL, STATUS_OPEN, BoardFilters
from appeals.services.filing import Applicant


class CategoryChoiceField(forms.ModelChoiceField):
    """Categories labelled "3. Roads": typing the digit on the focused select picks the
    option (the browser's own type-ahead), so an operator never needs the mouse."""

    shortcuts: dict[int, int] = {}

    def label_from_instance(self, obj: Any) -> str:
        return f"{self.shortcuts.get(obj.pk, '')}. {obj.name}"


class FrontOfficeForm(forms.Form):
    """An appeal taken at the front office or on the phone, for the visitor."""

    category = CategoryChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        widget=forms.Select(attrs={"autofocus": True}),
    )
    description = forms.CharField(
        label=_("What is the problem"), widget=forms.Textarea(attrs={"rows": 4})
    )
    address = forms.CharField(label=_("Address of the place"), max_length=300, required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False)
    lon = forms.FloatField(label=_("Longitude"), required=False)
    channel = forms.ChoiceField(label=_("Received by"), choices=Appeal.Channel.choices)
    anonymous = forms.BooleanField(
        label=_("Anonymous (only where the category allows it)"), required=False
    )
    full_name = forms.CharField(label=_("Applicant's full name"), max_length=300, required=False)
    iin = forms.CharField(label=_("IIN"), max_length=20, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    postal_address = forms.CharField(label=_("Postal address"), max_length=300, required=False)
    # Made when the form is shown: pressing Enter twice sends it twice, one appeal results.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, CategoryChoiceField)
        field.queryset = Category.objects.filter(is_active=True)
        field.shortcuts = {
            pk: number
            for number, pk in enumerate(field.queryset.values_list("pk", flat=True), start=1)
        }
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None):
            raise forms.ValidationError(_("Give both the latitude and the longitude."))
        if lat is None and not self.errors:
            found = address_point(data.get("address", ""))
            if found is None:
                raise forms.ValidationError(
                    _(
                        "Click the place on the map or give its coordinates: the address "
                        "was not found in the parcel registry."
                    )
                )
            data["lat"], data["lon"] = found
        return data

    def applicant(self) -> Applicant:
        """The visitor as the form names them (the service ignores them when anonymous)."""
        return Applicant.from_fields(self.cleaned_data)


def _status_choices() -> list[tuple[str, Any]]:
    return [
        (STATUS_OPEN, _("waiting for an answer")),
        (STATUS_ALL, _("all")),
        *Appeal.Status.choices,
    ]


class BoardFilterForm(forms.Form):
    """The board's filters: a plain GET form."""

    number = forms.CharField(label=_("Number"), required=False, max_length=30)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_status_choices)
    category = forms.ModelChoiceField(
        label=_("Category"), required=False, queryset=Category.objects.all()
    )
    department = forms.ModelChoiceField(
        label=_("Department"), required=False, queryset=Department.objects.all()
    )
    channel = forms.ChoiceField(
        label=_("Received by"),
        required=False,
        choices=[("", "---------"), *Appeal.Channel.choices],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(
        self, *args: Any, departments: QuerySet[Department] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if departments is not None:  # an operator: only the departments he works for
            field = self.fields["department"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = departments

    def filters(self) -> BoardFilters:
        if not self.is_valid():
            return BoardFilters()
        data = self.cleaned_data
        return BoardFilters(
            status=data["status"] or STATUS_OPEN,
            category=data["category"].pk if data["category"] else None,
            department=data["department"].pk if data["department"] else None,
            channel=data["channel"],
            overdue=data["overdue"],
            number=data["number"],
        )


class NoteForm(forms.Form):
    """An optional note (taking an appeal in progress, closing it)."""

    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def note_text(self) -> str:
        """What the appeal's history says of the step."""
        return str(self.cleaned_data["note"])


class ReasonForm(forms.Form):
    """A required reason (rejecting, hiding)."""

    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def note_text(self) -> str:
        """What the appeal's history says of the step: the reason."""
        return str(self.cleaned_data["reason"])


class ReassignForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True)
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class ForwardForm(forms.Form):
    body = forms.CharField(label=_("Forward to (the body)"), max_length=300)
    reason = forms.CharField(
        label=_("Why it is outside the akimat's competence"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def note_text(self) -> str:
        """What the appeal's history says of the step: where to, and why."""
        return str(_("Forwarded to %(body)s: %(reason)s")) % {
            "body": self.cleaned_data["body"].strip(),
            "reason": self.cleaned_data["reason"].strip(),
        }


class ExtendForm(forms.Form):
    until = forms.DateField(label=_("New term"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Written reason"), widget=forms.Textarea(attrs={"rows": 2}))


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultiplePhotoInput(attrs={"accept": "image/*", "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, (list, tuple)) else [data]
        files = [item for item in files if item]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("Attach at most %(count)s photos.") % {"count": MAX_PHOTOS}
            )
        return [super(MultiplePhotoField, self).clean(item, initial) for item in files]


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 5}))
    photos = MultiplePhotoField(label=_("Photos (up to three)"), required=False)
