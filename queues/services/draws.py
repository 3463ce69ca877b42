"""Lots drawn among the next N waiting applicants for one parcel, replayable by anyone.

The rule (also on queues.models.LotDraw): with the candidates' application numbers in queue
order and the seed, the winner is candidate number

    int(sha256(seed + "|" + ",".join(numbers)).hexdigest(), 16) % len(numbers)

(counting from 0). The seed, the candidates and the winner are published in the ledger,
so anyone can redo the draw with any SHA-256 tool. The seed comes from the operating
system's random source (secrets.token_hex) at the moment of the draw; officers do not pick
it on the staff pages, since whoever chooses the seed after seeing the candidates chooses
the winner. The `seed` argument exists for replays and tests.
"""

import hashlib
import secrets

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from parcels.models import Parcel
from queues.errors import QueueRefusal
from queues.models import LedgerEntry, LotDraw, Queue
from queues.selectors.applications import applications_next
from queues.services.ledger import ledger_append
from queues.services.offers import offer_open, parcel_lock_offerable
from queues.services.transitions import actor_user, queue_audit, queue_lock
from rgis.actors import Actor
from staff.services import audit_snapshot

DRAW_RULE = 'int(sha256(seed + "|" + ",".join(candidates)), 16) % len(candidates)'
DRAW_MIN = 2
DRAW_MAX = 100


def draw_winner_index(seed: str, numbers: list[str]) -> int:
    """The index of the winner among `numbers` (in queue order) for this seed."""
    payload = seed + "|" + ",".join(numbers)
    return int(hashlib.sha256(payload.encode("utf-8")).hexdigest(), 16) % len(numbers)


def lots_draw(
    *, queue: Queue, parcel: Parcel, among: int, actor: Actor, seed: str | None = None
) -> LotDraw:
    """Draw lots for a parcel among the next `among` waiting applicants, then offer it."""
    if not DRAW_MIN <= among <= DRAW_MAX:
        raise QueueRefusal(
            _("Draw lots among %(low)d to %(high)d applicants.")
            % {"low": DRAW_MIN, "high": DRAW_MAX}
        )
    if seed is not None and not 1 <= len(seed) <= 64:
        raise QueueRefusal(_("A seed is 1 to 64 characters."))
    with transaction.atomic():
        queue = queue_lock(queue)
        locked_parcel = parcel_lock_offerable(queue=queue, parcel=parcel)
        candidates = applications_next(queue, among)
        if len(candidates) < among:
            raise QueueRefusal(
                _("Only %(n)d applications are waiting: draw among at most that many.")
                % {"n": len(candidates)}
            )
        seed = seed if seed is not None else secrets.token_hex(16)
        numbers = [candidate.number for candidate in candidates]
        winner = candidates[draw_winner_index(seed, numbers)]
        draw = LotDraw.objects.create(
            queue=queue,
            parcel=locked_parcel,
            seed=seed,
            candidates=numbers,
            winner_number=winner.number,
            drawn_by=actor_user(actor),
        )
        ledger_append(
            queue=queue,
            event=LedgerEntry.Event.LOT_DRAWN,
            details={
                "draw": draw.pk,
                "parcel": locked_parcel.cadastral_number,
                "seed": seed,
                "candidates": numbers,
                "winner": winner.number,
                "rule": DRAW_RULE,
            },
        )
        queue_audit(
            actor=actor, action="queues.lots.draw", instance=draw, after=audit_snapshot(draw)
        )
        offer_open(queue=queue, parcel=locked_parcel, application=winner, actor=actor, draw=draw)
    return draw
