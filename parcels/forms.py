"""Forms of the planners' parcel import page."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parcels.importing.mapping import ColumnMapping
from parcels.models import LandPurpose, Settlement

# Column names district offices use, compared without case, spaces or underscores.
COLUMN_GUESSES: dict[str, tuple[str, ...]] = {
    "cadastral_number": (
        "KAD_NOMER",
        "KADNOMER",
        "KAD_NOM",
        "KAD_NUM",
        "KADASTR",
        "KAD_N",
        "CADNUM",
        "CAD_NUM",
        "CADASTRAL",
        "CADASTRE",
        "KN",
        "КАДНОМЕР",
        "КАДАСТРОВЫЙНОМЕР",
    ),
    "address_kk": ("ADRES_KZ", "ADRES_KK", "ADDRESS_KK", "ADR_KZ", "ADR_KK", "MEKENZHAI"),
    "address_ru": ("ADRES_RU", "ADDRESS_RU", "ADR_RU", "ADRES", "ADDRESS", "ADR", "АДРЕС"),
    "area_ha": ("AREA_HA", "PLOSHAD_GA", "PL_GA", "S_GA", "PLOSHAD", "PLOSH", "AREA", "ПЛОЩАДЬ"),
    "category": ("KATEGOR", "KATEGORIA", "KATEGORIYA", "CATEGORY", "KAT_ZEM", "КАТЕГОРИЯ"),
    "purpose": ("CEL_NAZN", "TSEL_NAZN", "NAZNACH", "NAZNACHENIE", "PURPOSE", "НАЗНАЧЕНИЕ"),
}
COLUMN_LABELS = {
    "cadastral_number": _("Cadastral number"),
    "address_kk": _("Address (Kazakh)"),
    "address_ru": _("Address (Russian)"),
    "area_ha": _("Area, ha"),
    "category": _("Land category"),
    "purpose": _("Target purpose"),
    "purpose_text_kk": _("Target purpose as written (Kazakh)"),
    "purpose_text_ru": _("Target purpose as written (Russian)"),
}


def _plain(name: str) -> str:
    return re.sub(r"[\W_]+", "", name).casefold()


def column_guesses(fields: list[str]) -> dict[str, str]:
    """The likeliest column of the file for each parcel field ("" where none fits)."""
    by_plain = {_plain(name): name for name in fields}
    guesses = {}
    for target, candidates in COLUMN_GUESSES.items():
        guesses[target] = next(
            (by_plain[_plain(c)] for c in candidates if _plain(c) in by_plain), ""
        )
    return guesses


class VersionChoiceForm(forms.Form):
    """Step one: which layer version to read."""

    version = forms.TypedChoiceField(label=_("Parcels layer"), coerce=int)

    def __init__(self, *args: Any, versions: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["version"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [
            (
                version.pk,
                f"{version.layer.plan.name} — {version.layer.name}, v{version.number} "
                f"({version.feature_count})",
            )
            for version in versions
        ]


class ColumnMappingForm(forms.Form):
    """Step two: which column feeds which field, the settlement and the purpose."""

    settlement = forms.ModelChoiceField(
        label=_("Settlement"), queryset=Settlement.objects.all(), empty_label=None
    )
    purpose_default = forms.ModelChoiceField(
        label=_("Target purpose of every parcel"),
        queryset=LandPurpose.objects.all(),
        required=False,
        help_text=_(
            "With a purpose column: the purpose of parcels whose value is empty or not matched."
        ),
    )
    purpose_values = forms.CharField(
        label=_("Values of the purpose column"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line: value in the file = purpose code, e.g. “ИЖС = izhs”. Codes, names "
            "and abbreviations of the purposes are matched without this."
        ),
    )

    def __init__(self, *args: Any, fields: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— none —"))] + [(name, name) for name in fields]
        for target, label in COLUMN_LABELS.items():
            self.fields[f"column_{target}"] = forms.ChoiceField(
                label=label, choices=choices, required=target == "cadastral_number"
            )
        codes = ", ".join(LandPurpose.objects.values_list("code", flat=True))
        self.fields[
            "purpose_values"
        ].help_text = f"{self.fields['purpose_values'].help_text} ({codes})"

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"column_{target}"] for target in COLUMN_LABELS]

    def clean_purpose_values(self) -> dict[str, str]:
        table = {}
        for number, line in enumerate(self.cleaned_data["purpose_values"].splitlines(), 1):
            if not line.strip():
                continue
            value, sep, code = line.rpartition("=")
            if not sep or not value.strip() or not code.strip():
                raise forms.ValidationError(
                    _("Line %(number)s: write “value = code”.") % {"number": number}
                )
            table[value.strip()] = code.strip()
        return table

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("column_purpose") and not data.get("purpose_default"):
            self.add_error(
                "purpose_default",
                _("Choose the target purpose of the parcels, or the column that holds it."),
            )
        return data

    def mapping(self) -> ColumnMapping:
        data = self.cleaned_data
        return ColumnMapping.from_dict(
            {
                **{target: data.get(f"column_{target}") for target in COLUMN_LABELS},
                "purpose_values": data.get("purpose_values") or {},
            }
        )
