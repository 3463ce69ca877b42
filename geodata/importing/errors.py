"""The refusals of the import core: each message tells the planner what to do next."""

from django.utils.functional import Promise


class ImportRejected(Exception):
    """This file cannot be imported as it is; nothing was written."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class CrsRequired(ImportRejected):
    """The file does not say its coordinate system: the planner must choose one."""


class EncodingRequired(ImportRejected):
    """The text encoding cannot be trusted: the planner must choose one."""
