"""The sentences of the residents' look-up: why a place moved, the pace, the wait.

Numbers carry the active language's thousand separator (1 204 in Kazakh and Russian,
1,204 in English); plural forms come from the catalogues (ngettext).
"""

import math

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from queues.selectors.history import AllocationPace, PositionChange, RoundedWait


def count_text(value: float, decimals: int = 0) -> str:
    """A number with the active language's thousand separator (1 204 in kk and ru)."""
    return number_format(value, decimal_pos=decimals, force_grouping=True)


def change_parts(change: PositionChange) -> list[str]:
    """The reasons of a position change as short phrases: "12 allocated", "5 removed"."""
    parts = []
    if change.allocated:
        parts.append(
            ngettext("%(count)s got a plot", "%(count)s got a plot", change.allocated)
            % {"count": count_text(change.allocated)}
        )
    if change.offered:
        parts.append(
            ngettext(
                "%(count)s is being offered a plot now",
                "%(count)s are being offered a plot now",
                change.offered,
            )
            % {"count": count_text(change.offered)}
        )
    if change.removed:
        reasons = ", ".join(
            f"{name.lower()} — {count_text(count)}" for name, count in change.removed_by_reason
        )
        parts.append(
            ngettext(
                "%(count)s removed (reasons: %(reasons)s)",
                "%(count)s removed (reasons: %(reasons)s)",
                change.removed,
            )
            % {"count": count_text(change.removed), "reasons": reasons}
        )
    if change.moved_behind:
        parts.append(
            ngettext(
                "%(count)s moved behind you after a corrected filing date",
                "%(count)s moved behind you after a corrected filing date",
                change.moved_behind,
            )
            % {"count": count_text(change.moved_behind)}
        )
    if change.returned:
        parts.append(
            ngettext(
                "%(count)s came back into line after refusing an offer",
                "%(count)s came back into line after refusing an offer",
                change.returned,
            )
            % {"count": count_text(change.returned)}
        )
    if change.registered:
        parts.append(
            ngettext(
                "%(count)s entered with an earlier filing date",
                "%(count)s entered with an earlier filing date",
                change.registered,
            )
            % {"count": count_text(change.registered)}
        )
    if change.moved_ahead:
        parts.append(
            ngettext(
                "%(count)s moved ahead after a corrected filing date",
                "%(count)s moved ahead after a corrected filing date",
                change.moved_ahead,
            )
            % {"count": count_text(change.moved_ahead)}
        )
    return parts


def pace_text(pace: AllocationPace) -> str:
    if pace.total == 0:
        return _(
            "No plot was allocated in this queue in the last 12 months, so no waiting time "
            "can be estimated."
        )
    return ngettext(
        "In the last 12 months %(total)s plot was allocated in this queue "
        "(between %(fewest)s and %(most)s a month).",
        "In the last 12 months %(total)s plots were allocated in this queue "
        "(between %(fewest)s and %(most)s a month).",
        pace.total,
    ) % {
        "total": count_text(pace.total),
        "fewest": count_text(pace.fewest),
        "most": count_text(pace.most),
    }


def wait_text(wait: RoundedWait) -> str:
    low = count_text(wait.shortest, wait.decimals)
    if wait.longest is None:
        if wait.unit == "months":
            return _("At that pace your turn would come in %(low)s months or later.") % {"low": low}
        return _(
            "At that pace your turn would come in %(low)s years or later: in half of the "
            "months no plot was allocated, so there is no upper bound."
        ) % {"low": low}
    high = count_text(wait.longest, wait.decimals)
    # A number shown with a decimal takes, in Russian and English, the form 2 takes
    # ("4,5 года", "4.5 years"); whole numbers take their own ("5 лет").
    count = 2 if wait.decimals else math.ceil(wait.longest)
    if wait.unit == "months":
        if wait.shortest == wait.longest:
            return ngettext(
                "At that pace your turn would come in about %(high)s month.",
                "At that pace your turn would come in about %(high)s months.",
                count,
            ) % {"high": high}
        return ngettext(
            "At that pace your turn would come in about %(low)s–%(high)s month.",
            "At that pace your turn would come in about %(low)s–%(high)s months.",
            count,
        ) % {"low": low, "high": high}
    if wait.shortest == wait.longest:
        return ngettext(
            "At that pace your turn would come in about %(high)s year.",
            "At that pace your turn would come in about %(high)s years.",
            count,
        ) % {"high": high}
    return ngettext(
        "At that pace your turn would come in about %(low)s–%(high)s year.",
        "At that pace your turn would come in about %(low)s–%(high)s years.",
        count,
    ) % {"low": low, "high": high}
