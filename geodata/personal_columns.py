"""Which attribute columns of an upload look like personal data (IINs, people's names, phones).

A cadastral export often carries the owner's name and IIN: such columns are flagged on the
publish page and left out of the public choice unless the publisher ticks them.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from rgis.personal import InvalidIIN, iin_validate

# Column names that say "a person" (Latin, Russian and Kazakh spellings), matched as words.
# Not NAME / НАЗВАНИЕ / АТАУЫ: most layers name their zones and streets so.
PERSON_COLUMN_WORDS = (
    "fio",
    "фио",
    "жөні",  # аты-жөні: full name
    "owner",
    "owners",
    "владелец",
    "собственник",
    "иесі",
    "person",
    "surname",
    "familiya",
    "фамилия",
    "тегі",
    "iin",
    "иин",
    "жсн",
    "phone",
    "tel",
    "телефон",
    "тел",
)
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
# Surname Name Patronymic, or "Surname N. P.": capitalised Cyrillic words.
_CYRILLIC_WORD = r"[А-ЯЁӘҒҚҢӨҰҮҺІ][а-яёәғқңөұүһі]+(?:-[А-ЯЁӘҒҚҢӨҰҮҺІ][а-яёәғқңөұүһі]+)?"
_PERSON_NAME = re.compile(
    rf"^\s*{_CYRILLIC_WORD}\s+(?:{_CYRILLIC_WORD}\s+{_CYRILLIC_WORD}"
    rf"|[А-ЯЁӘҒҚҢӨҰҮҺІ]\.\s*[А-ЯЁӘҒҚҢӨҰҮҺІ]\.?)\s*$"
)
# +7 7xx ..., 8 7xx ..., 87xx...: Kazakhstan's mobile and city numbers, with any separators.
_PHONE = re.compile(r"^\s*(?:\+7|8)[\s\-()]*7\d{2}[\s\-()]*\d{3}[\s\-]*\d{2}[\s\-]*\d{2}\s*$")
_TWELVE_DIGITS = re.compile(r"\d{12}")
# A column is flagged when this share of its non-empty sample values looks personal.
SHARE = 0.3


@dataclass(frozen=True)
class ColumnWarning:
    """Why a column looks like personal data."""

    code: str  # "iin", "person_name", "phone", "person_column"
    message: str


def _looks_like_iin(text: str) -> bool:
    for candidate in _TWELVE_DIGITS.findall(text):
        try:
            iin_validate(candidate)
        except InvalidIIN:
            continue
        return True
    return False


def _share(values: list[str], test: Callable[[str], bool]) -> float:
    return sum(1 for value in values if test(value)) / len(values) if values else 0.0


def column_warning(name: str, values: Iterable[object]) -> ColumnWarning | None:
    """A warning when the column's name or its sample values look like personal data."""
    texts = [str(value) for value in values if value not in (None, "")]
    if _share(texts, _looks_like_iin) >= SHARE:
        return ColumnWarning("iin", str(_("Values look like IINs.")))
    if _share(texts, lambda text: bool(_PERSON_NAME.match(text))) >= SHARE:
        return ColumnWarning("person_name", str(_("Values look like people's names.")))
    if _share(texts, lambda text: bool(_PHONE.match(text))) >= SHARE:
        return ColumnWarning("phone", str(_("Values look like phone numbers.")))
    words = {word.casefold() for word in _WORDS.findall(name.replace("_", " "))}
    if words & set(PERSON_COLUMN_WORDS):
        return ColumnWarning(
            "person_column", str(_("The column's name says it holds data about a person."))
        )
    return None


def column_warnings(fields: list[str], rows: list[dict]) -> dict[str, ColumnWarning]:
    """Field name -> warning, for the fields that look like personal data."""
    warnings = {}
    for name in fields:
        warning = column_warning(name, (row.get(name) for row in rows))
        if warning is not None:
            warnings[name] = warning
    return warnings
