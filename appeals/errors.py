"""Refusals of the appeals services: messages a filer or an operator can act on."""

from rgis.errors import Refusal


class AppealRefusal(Refusal):
    """The appeal cannot be accepted as sent (the message says what to fix)."""

    status = 400
