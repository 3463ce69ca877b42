"""The refusals of the import core: each message tells the planner what to do next."""

from rgis.errors import Refusal


class ImportRejected(Refusal):
    """This file cannot be imported as it is; nothing was written."""

    status = 422


class CrsRequired(ImportRejected):
    """The file does not say its coordinate system: the planner must choose one."""


class EncodingRequired(ImportRejected):
    """The text encoding cannot be trusted: the planner must choose one."""
