"""Refusals of the queue services: messages an officer or a resident can act on."""

from rgis.errors import Refusal


class QueueRefusal(Refusal):
    """A queue action that the rules do not allow (the message says which rule)."""

    status = 409


class ApplicationNotFound(Refusal):
    status = 404
