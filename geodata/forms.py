"""Forms of the planners' import pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from geodata.import_selectors import plans_to_import_into
from geodata.importing.core import ImportOptions
from geodata.importing.crs import CRS_CHOICES
from geodata.importing.encoding import ENCODING_LABELS
from geodata.models import Layer, Plan
from geodata.services import ImportTarget

NEW_PLAN = "__new__"


class _ChoicesMixin:
    fields: dict[str, forms.Field]

    def _choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


OTHER_CRS = "__proj__"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A zipped shapefile, a GeoPackage, GeoJSON, KML or KMZ."),
    )


class ImportOptionsForm(_ChoicesMixin, forms.Form):
    """What to read: encoding, coordinate system, layer of a multi-layer file."""

    encoding = forms.ChoiceField(label=_("Text encoding"), required=False)
    crs = forms.ChoiceField(label=_("Coordinate system"), required=False)
    proj = forms.CharField(
        label=_("PROJ string or WKT of a local system"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    source_layer = forms.ChoiceField(label=_("Layer in the file"), required=False)

    def __init__(self, *args: Any, inspection: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("encoding", list(ENCODING_LABELS.items()))
        self._choices(
            "crs",
            [("", _("As the file says"))]
            + [(code, label) for code, label in CRS_CHOICES]
            + [(OTHER_CRS, _("Another: the PROJ string below"))],
        )
        self._choices("source_layer", [(name, name) for name in inspection["layers"]])
        if inspection["format"] != "shapefile":
            del self.fields["encoding"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("crs") == OTHER_CRS and not data.get("proj", "").strip():
            self.add_error("proj", _("Type the PROJ string of the coordinate system."))
        return data

    def crs_text(self) -> str | None:
        if self.cleaned_data.get("crs") == OTHER_CRS:
            return self.cleaned_data["proj"].strip()
        return self.cleaned_data.get("crs") or None

    def options(self) -> ImportOptions:
        """The planner's choices, for the import core."""
        return ImportOptions(
            encoding=self.cleaned_data.get("encoding") or None,
            crs=self.crs_text(),
            source_layer=self.cleaned_data.get("source_layer") or None,
        )


class ImportTargetForm(_ChoicesMixin, forms.Form):
    """Where the upload goes: an existing plan or a new one, and the layer in it."""

    plan = forms.ChoiceField(label=_("Plan"))
    new_plan_slug = forms.SlugField(label=_("Code of the new plan"), required=False)
    new_plan_kind = forms.ChoiceField(label=_("Kind"), choices=Plan.Kind.choices, required=False)
    new_plan_name_kk = forms.CharField(label=_("Name (Kazakh)"), required=False)
    new_plan_name_ru = forms.CharField(label=_("Name (Russian)"), required=False)
    layer_slug = forms.SlugField(
        label=_("Layer code"), help_text=_("An existing code adds a new version to that layer.")
    )
    layer_kind = forms.ChoiceField(label=_("Layer kind"), choices=Layer.Kind.choices)
    layer_name_kk = forms.CharField(label=_("Layer name (Kazakh)"), required=False)
    layer_name_ru = forms.CharField(label=_("Layer name (Russian)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices(
            "plan",
            [(NEW_PLAN, _("A new plan"))]
            + [
                (plan.slug, f"{plan.name} ({plan.get_status_display()})")
                for plan in plans_to_import_into()
            ],
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("plan") == NEW_PLAN:
            for field in ("new_plan_slug", "new_plan_name_kk", "new_plan_name_ru"):
                if not data.get(field):
                    self.add_error(field, _("Needed for a new plan."))
        return data

    def target(self) -> ImportTarget:
        """The plan (chosen, or new with its code, kind and names) and layer to import into."""
        data = self.cleaned_data
        new_plan = data["plan"] == NEW_PLAN
        return ImportTarget(
            plan_slug=data["new_plan_slug"] if new_plan else data["plan"],
            plan_kind=(data["new_plan_kind"] if new_plan else "") or Plan.Kind.DETAILED_PLAN,
            plan_name_kk=data["new_plan_name_kk"] if new_plan else "",
            plan_name_ru=data["new_plan_name_ru"] if new_plan else "",
            layer_slug=data["layer_slug"],
            layer_kind=data["layer_kind"],
            layer_name_kk=data["layer_name_kk"],
            layer_name_ru=data["layer_name_ru"],
        )
