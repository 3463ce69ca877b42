"""Personal data of applicants: the IIN (validated, encrypted at rest, looked up by a keyed
hash) and names masked for public lists.

The keyed hash (HMAC-SHA-256 under RGIS_PERSONAL_DATA_KEY) lets the queue find "this
person's applications" and lets the public ledger say "the same person" without an IIN:
an IIN has too few possible values for a plain hash to hide it.
"""

import base64
import datetime
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext_lazy as _

IIN_LENGTH = 12
_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
# Digit 7: the century of birth (and sex, odd male, even female); 0 and 7-9 are unassigned.
_CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}


class InvalidIIN(ValidationError):
    """Not a valid IIN; the message says what is wrong."""


def iin_check_digit(first_eleven: str) -> int | None:
    """The 12th digit for 11 digits, or None where no check digit can exist."""
    digits = [int(char) for char in first_eleven]
    check = sum(d * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 11
    if check == 10:
        check = sum(d * w for d, w in zip(digits, _SECOND_WEIGHTS, strict=True)) % 11
    return None if check == 10 else check


def iin_birth_date(iin: str) -> datetime.date | None:
    """The birth date an IIN encodes, or None where it is not a calendar date."""
    century = _CENTURY.get(iin[6])
    if century is None:
        return None
    try:
        return datetime.date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return None


def iin_invented(index: int) -> str:
    """A valid but invented IIN, different for each index (demo data and benchmarks).

    Born from 1 January 1960 onwards, 4,000 indices a day, each with a serial of its own
    (every odd serial is left free, for the few even ones without a check digit).
    """
    born = datetime.date(1960, 1, 1) + datetime.timedelta(days=index // 4000)
    serial = (index % 4000) * 2
    while True:
        first = f"{born:%y%m%d}{3 if born.year < 2000 else 5}{serial:04d}"
        check = iin_check_digit(first)
        if check is not None:
            return f"{first}{check}"
        serial += 1


def iin_validate(text: str) -> str:
    """The IIN in `text` (spaces ignored) if it is valid; raises InvalidIIN saying why."""
    iin = "".join(str(text).split())
    if len(iin) != IIN_LENGTH or not iin.isascii() or not iin.isdigit():
        raise InvalidIIN(_("An IIN is 12 digits."), code="iin_length")
    if iin[6] not in _CENTURY:
        raise InvalidIIN(
            _("The 7th digit of an IIN (century and sex) must be 1 to 6."), code="iin_century"
        )
    if iin_birth_date(iin) is None:
        raise InvalidIIN(
            _("The first six digits of an IIN are the birth date (YYMMDD); this is no date."),
            code="iin_date",
        )
    if iin_check_digit(iin[:11]) != int(iin[11]):
        raise InvalidIIN(
            _("This IIN has a typing error: its check digit does not match."), code="iin_check"
        )
    return iin


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[bytes, Fernet]:
    if not secret:
        raise ImproperlyConfigured("RGIS_PERSONAL_DATA_KEY is not set.")
    master = hashlib.sha256(secret.encode()).digest()
    digest_key = hmac.new(master, b"e-rgis iin digest", hashlib.sha256).digest()
    fernet_key = hmac.new(master, b"e-rgis fernet", hashlib.sha256).digest()
    return digest_key, Fernet(base64.urlsafe_b64encode(fernet_key))


def iin_digest(iin: str) -> str:
    """The keyed hash of a valid IIN (64 hex characters): same person, same digest."""
    digest_key, _fernet = _keys(settings.RGIS_PERSONAL_DATA_KEY)
    return hmac.new(digest_key, iin.encode(), hashlib.sha256).hexdigest()


def personal_encrypt(text: str) -> str:
    """Text encrypted with the personal-data key (Fernet: AES-128-CBC and HMAC)."""
    _digest_key, fernet = _keys(settings.RGIS_PERSONAL_DATA_KEY)
    return fernet.encrypt(text.encode()).decode()


def personal_decrypt(token: str) -> str:
    """The text personal_encrypt made; a marker where the key has changed since."""
    _digest_key, fernet = _keys(settings.RGIS_PERSONAL_DATA_KEY)
    try:
        return fernet.decrypt(token.encode()).decode()
    except InvalidToken:
        return str(_("(cannot be read with the current key)"))


def name_mask(full_name: str) -> str:
    """A full name as public lists show it: "Ахметов Болат Тимурович" -> "А***в Б. Т."."""
    parts = full_name.split()
    if not parts:
        return ""
    surname = parts[0]
    masked = surname[0] + "***" + surname[-1] if len(surname) > 2 else surname[0] + "***"
    initials = " ".join(part[0] + "." for part in parts[1:3])
    return f"{masked} {initials}".strip()
