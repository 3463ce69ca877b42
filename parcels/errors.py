"""Refusals of the parcel registry: each message says what to change."""

from rgis.errors import Refusal


class ParcelImportRefused(Refusal):
    """The import as asked cannot run (a column missing, an unknown purpose); nothing written."""

    status = 422
