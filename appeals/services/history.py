"""An appeal's history: one AppealEvent per step, naming the officer who took it.

The public history shows each step's status and date, never who filed; staff see who acted.
"""

import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from appeals.models import Appeal, AppealEvent
from rgis.actors import Actor


def staff_user(actor: Actor) -> User | None:
    """The signed-in staff member behind an actor; None for a resident or a command."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def appeal_event_add(
    *,
    appeal: Appeal,
    actor: Actor,
    note: str,
    status_before: str = "",
    at: datetime.datetime | None = None,
) -> AppealEvent:
    """The step that brought the appeal to its current status (or kept it there)."""
    return AppealEvent.objects.create(
        appeal=appeal,
        at=at or timezone.now(),
        actor=staff_user(actor),
        status_before=status_before,
        status_after=appeal.status,
        note=note,
    )
