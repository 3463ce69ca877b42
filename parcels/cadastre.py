"""Cadastral numbers as people type them and files carry them: only obvious repairs."""

import re

from parcels.models import CADASTRAL_NUMBER_PATTERN

_CADASTRAL = re.compile(CADASTRAL_NUMBER_PATTERN)
# Separators seen in office files: spaces, dots, colons, slashes, underscores and dashes of
# every width (Word turns "-" into "–").
_SEPARATORS = re.compile(r"[\s.:/_\u2010-\u2015\u2212-]+")
GROUPS = (2, 3, 3, 3)


def cadastral_number_normalise(raw: object) -> str:
    """The number in the form NN-NNN-NNN-NNN when it plainly is one, else the text as given.

    "06 097 012 345", "06.097.012.345", "06–097–012–345" and "06097012345" all become
    "06-097-012-345". Nothing else is guessed: a group of the wrong length stays wrong.
    """
    text = "" if raw is None else str(raw).strip()
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))  # a DBF numeric field drops nothing but may read as 6097012345.0
    digits_only = re.fullmatch(r"[0-9]{11}", text)
    if digits_only:
        return _grouped(text)
    parts = [part for part in _SEPARATORS.split(text) if part]
    if len(parts) == len(GROUPS) and all(part.isdigit() for part in parts):
        candidate = "-".join(parts)
        if _CADASTRAL.fullmatch(candidate):
            return candidate
    return text


def cadastral_number_is_valid(number: str) -> bool:
    return bool(_CADASTRAL.fullmatch(number))


def _grouped(digits: str) -> str:
    parts, start = [], 0
    for size in GROUPS:
        parts.append(digits[start : start + size])
        start += size
    return "-".join(part for part in parts if part)


def cadastral_prefix(query: str) -> str | None:
    """A typed beginning of a cadastral number, dashed as stored ("0609701" -> "06-097-01").

    None when the query is not the start of a number (it has letters, or too many digits).
    """
    text = query.strip()
    if not text or not re.fullmatch(r"[0-9\s.:/_\u2010-\u2015\u2212-]+", text):
        return None
    digits = re.sub(r"[^0-9]", "", text)
    if not digits or len(digits) > sum(GROUPS):
        return None
    return _grouped(digits)
