"""Refusals of the hearings services: messages a resident or an organiser can act on."""

from rgis.errors import Refusal


class HearingRefusal(Refusal):
    """The hearing, meeting, document or answer cannot be saved as given (the message
    says what to change); nothing was written."""

    status = 400


class CommentRefusal(Refusal):
    """The comment cannot be accepted as sent (outside the window, a missing contact…)."""

    status = 400


class ReportRefusal(Refusal):
    """A reader's report of a comment is not counted (already reported, no reason…)."""

    status = 400
