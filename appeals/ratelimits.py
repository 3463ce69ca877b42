"""How many appeals (or followings) one connection may send: RGIS_APPEALS_RATE, e.g. "5/10m".

Counted per client through rgis.ratelimit; the refusal says when to try again, and that
what was typed is kept.
"""

import datetime
import time

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import ngettext

from rgis.ratelimit import client_id, rate_parse, rate_spend


def filing_rate() -> tuple[int, int]:
    """(appeals, seconds) from RGIS_APPEALS_RATE, e.g. "5/10m": five in ten minutes."""
    return rate_parse(str(settings.RGIS_APPEALS_RATE))


def appeal_rate_spend(request: HttpRequest, action: str) -> datetime.datetime | None:
    """Count one filing (or follow) of this client; the moment it may try again if over."""
    rate = str(settings.RGIS_APPEALS_RATE)
    return rate_spend(f"appeals:rate:{action}:{client_id(request)}", rate)


def appeal_rate_message(retry_at: datetime.datetime) -> str:
    """The refusal of a client over the rate: when it may try again."""
    minutes = max(1, round((retry_at.timestamp() - time.time()) / 60))
    limit, _window = filing_rate()
    return ngettext(
        "Too many appeals from your connection just now (at most %(limit)s in a row). "
        "Try again after %(time)s (in %(minutes)s minute). Nothing you typed is lost: "
        "this page keeps it.",
        "Too many appeals from your connection just now (at most %(limit)s in a row). "
        "Try again after %(time)s (in %(minutes)s minutes). Nothing you typed is lost: "
        "this page keeps it.",
        minutes,
    ) % {
        "limit": limit,
        "time": timezone.localtime(retry_at).strftime("%H:%M"),
        "minutes": minutes,
    }
