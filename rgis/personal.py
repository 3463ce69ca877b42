"""Personal data of applicants: the IIN (validated, encrypted at rest, looked up by a keyed
hash) and names masked for public lists.

Three kinds of key, each a list or a setting of its own (rgis/settings/base.py):
- RGIS_PERSONAL_ENCRYPTION_KEYS encrypt IINs at rest (newest first: written with the first,
  read with any);
- RGIS_PERSONAL_LOOKUP_KEYS key the look-up hash stored beside each IIN, which lets the
  portal find "this person's applications" without an IIN (an IIN has too few possible
  values for a plain hash to hide it); new hashes use the first, look-ups try each;
- RGIS_LEDGER_PSEUDONYM_KEY keys the applicant's hash in the public queue ledger, and never
  changes (see ledger_pseudonym).
`manage.py personal_data_rotate` re-encrypts and re-hashes every registered column with the
newest keys, after which the older ones can be dropped from the lists.
"""

import base64
import datetime
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
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


# --- Keys (issue 12): encryption and look-up keys rotate; the ledger's pseudonym key not ---
#
# Each secret of a list gives a key of its own purpose (HMAC-SHA-256 of the secret's
# SHA-256 with a purpose label), so a secret that found its way into both lists still
# gives two unrelated keys, and a key of one purpose says nothing about another. The
# derivation of each purpose is the one the single RGIS_PERSONAL_DATA_KEY always had, so
# that key, as the one entry of both lists, reads and matches everything stored so far.
_FERNET_PURPOSE = b"e-rgis fernet"
_DIGEST_PURPOSE = b"e-rgis iin digest"


def _derived(secret: str, purpose: bytes) -> bytes:
    master = hashlib.sha256(secret.encode()).digest()
    return hmac.new(master, purpose, hashlib.sha256).digest()


@lru_cache(maxsize=8)
def _fernets(secrets: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    """All encryption keys (to read) and the newest (to write)."""
    fernets = [Fernet(base64.urlsafe_b64encode(_derived(s, _FERNET_PURPOSE))) for s in secrets]
    return MultiFernet(fernets), fernets[0]


@lru_cache(maxsize=8)
def _digest_keys(secrets: tuple[str, ...]) -> tuple[bytes, ...]:
    return tuple(_derived(secret, _DIGEST_PURPOSE) for secret in secrets)


def _lookup_secrets() -> tuple[str, ...]:
    return _secrets(settings.RGIS_PERSONAL_LOOKUP_KEYS, "RGIS_PERSONAL_LOOKUP_KEYS")


def _encryption_secrets() -> tuple[str, ...]:
    return _secrets(settings.RGIS_PERSONAL_ENCRYPTION_KEYS, "RGIS_PERSONAL_ENCRYPTION_KEYS")


def _secrets(keys: Sequence[str] | None, name: str) -> tuple[str, ...]:
    """A key list from the settings; the single RGIS_PERSONAL_DATA_KEY where it is empty."""
    secrets = tuple(keys or ())
    if not secrets and settings.RGIS_PERSONAL_DATA_KEY:
        secrets = (settings.RGIS_PERSONAL_DATA_KEY,)
    if not secrets:
        raise ImproperlyConfigured(f"{name} (or RGIS_PERSONAL_DATA_KEY) is not set.")
    return secrets


def _hmac_hex(key: bytes, iin: str) -> str:
    return hmac.new(key, iin.encode(), hashlib.sha256).hexdigest()


def iin_digest(iin: str) -> str:
    """The look-up hash of a valid IIN under the newest look-up key (64 hex characters)."""
    return _hmac_hex(_digest_keys(_lookup_secrets())[0], iin)


def iin_digests(iin: str) -> list[str]:
    """The look-up hashes of an IIN under every look-up key, newest first.

    Look-ups ask for any of them: until `personal_data_rotate` has re-hashed every row,
    some rows still carry a hash under an older key.
    """
    return [_hmac_hex(key, iin) for key in _digest_keys(_lookup_secrets())]


def ledger_pseudonym(iin: str) -> str:
    """The applicant's keyed hash the public queue ledger publishes (docs/ledger.md).

    Its key (RGIS_LEDGER_PSEUDONYM_KEY, by default the original RGIS_PERSONAL_DATA_KEY)
    never rotates: the ledger is append-only and published, its entries can never be
    re-hashed, and "the same person" must stay the same hash from the first entry on.
    """
    secret = settings.RGIS_LEDGER_PSEUDONYM_KEY or settings.RGIS_PERSONAL_DATA_KEY
    if not secret:
        raise ImproperlyConfigured(
            "RGIS_LEDGER_PSEUDONYM_KEY (or RGIS_PERSONAL_DATA_KEY) is not set."
        )
    return _hmac_hex(_derived(secret, _DIGEST_PURPOSE), iin)


def personal_encrypt(text: str) -> str:
    """Text encrypted with the newest personal-data key (Fernet: AES-128-CBC and HMAC)."""
    _all, newest = _fernets(_encryption_secrets())
    return newest.encrypt(text.encode()).decode()


def personal_decrypt_or_fail(token: str) -> str:
    """The text personal_encrypt made, read with any configured key; raises InvalidToken."""
    every, _newest = _fernets(_encryption_secrets())
    return every.decrypt(token.encode()).decode()


def personal_decrypt(token: str) -> str:
    """The text personal_encrypt made; a marker where no configured key reads it."""
    try:
        return personal_decrypt_or_fail(token)
    except InvalidToken:
        return str(_("(cannot be read with the current key)"))


def personal_reencrypted(token: str) -> str | None:
    """The token encrypted anew with the newest key, or None if it already is."""
    every, newest = _fernets(_encryption_secrets())
    try:
        newest.decrypt(token.encode())
        return None
    except InvalidToken:
        return every.rotate(token.encode()).decode()


# --- Where the apps keep personal data (rgis imports no app: they register here) ---


@dataclass(frozen=True)
class PersonalField:
    """An encrypted column and, optionally, the look-up hash column made from its text."""

    model: str  # "app_label.ModelName"
    encrypted: str
    digest: str = ""


_personal_fields: list[PersonalField] = []


def personal_field_register(model: str, *, encrypted: str, digest: str = "") -> None:
    """Declare an encrypted column (and its look-up hash) for `personal_data_rotate`."""
    field = PersonalField(model, encrypted, digest)
    if field not in _personal_fields:
        _personal_fields.append(field)


def personal_fields() -> tuple[PersonalField, ...]:
    return tuple(_personal_fields)


def name_mask(full_name: str) -> str:
    """A full name as public lists show it: "Ахметов Болат Тимурович" -> "А***в Б. Т."."""
    parts = full_name.split()
    if not parts:
        return ""
    surname = parts[0]
    masked = surname[0] + "***" + surname[-1] if len(surname) > 2 else surname[0] + "***"
    initials = " ".join(part[0] + "." for part in parts[1:3])
    return f"{masked} {initials}".strip()


def iin_digests_of(encrypted: str, digest: str) -> list[str]:
    """Every look-up hash of the IIN in `encrypted`, with `digest` (the one stored beside it).

    The person's other rows may still carry a hash under an older look-up key while
    `personal_data_rotate` runs (or before it ran); asking for all of them finds them.
    """
    try:
        found = iin_digests(personal_decrypt_or_fail(encrypted))
    except InvalidToken:
        return [digest]
    return found if digest in found else [*found, digest]
