"""The family of refusals: errors whose message the user can act on, in their language.

Views and APIs turn a Refusal into an HTML message or a JSON error in one place
(rgis.api.api_view for JSON); anything else is an internal error and its text never
reaches a client.
"""

from django.core.exceptions import ValidationError
from django.utils.functional import Promise


class Refusal(Exception):
    status = 400

    def __init__(self, message: str | Promise, *, status: int | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return str(self.message)


def refusal_from(error: ValidationError) -> Refusal:
    """A model's validation errors as one refusal: "field: message; field: message"."""
    if hasattr(error, "message_dict"):
        parts = [
            f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in error.message_dict.items()
        ]
    else:
        parts = list(error.messages)
    return Refusal("; ".join(parts))
