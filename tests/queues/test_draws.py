import hashlib

import pytest

from queues.errors import QueueRefusal
from queues.models import Application, LedgerEntry, Offer
from queues.services.draws import lots_draw
from tests.factories import StaffUserFactory
from tests.queues.factories import ParcelFactory, applications_register

pytestmark = pytest.mark.django_db


def replay(seed: str, candidates: list[str]) -> str:
    """The draw as an outsider redoes it from the ledger, with nothing but hashlib."""
    digest = hashlib.sha256((seed + "|" + ",".join(candidates)).encode()).hexdigest()
    return candidates[int(digest, 16) % len(candidates)]


def test_the_draw_is_replayed_from_its_published_seed(queue):
    officer = StaffUserFactory(role="queue_officer")
    applications = applications_register(queue, 6)
    parcel = ParcelFactory()

    draw = lots_draw(queue=queue, parcel=parcel, among=4, actor=officer)

    published = LedgerEntry.objects.get(queue=queue, event="lot_drawn").details
    # The next four in queue order, and the winner anyone can recompute.
    assert published["candidates"] == [a.number for a in applications[:4]]
    assert len(published["seed"]) == 32
    assert published["winner"] == replay(published["seed"], published["candidates"])
    assert draw.winner_number == published["winner"]
    offer = Offer.objects.get(status=Offer.Status.OPEN)
    assert offer.application.number == published["winner"]
    assert offer.draw == draw
    offered = LedgerEntry.objects.get(queue=queue, event="offered")
    assert offered.details["draw"] == draw.pk
    assert offered.application_number == published["winner"]


def test_different_seeds_pick_the_winner_the_rule_says(queue):
    applications = applications_register(queue, 5)
    numbers = [a.number for a in applications]
    winners = set()
    for seed in ("a", "b", "c", "d", "e", "f", "g", "h"):
        parcel = ParcelFactory()
        Application.objects.filter(status="offered").update(status="waiting")
        Offer.objects.filter(status="open").update(status="expired")
        draw = lots_draw(queue=queue, parcel=parcel, among=5, actor=None, seed=seed)
        assert draw.winner_number == replay(seed, numbers)
        winners.add(draw.winner_number)
    assert len(winners) > 1  # the seed decides, not the order


def test_a_draw_needs_enough_waiting_applicants(queue):
    applications_register(queue, 2)
    with pytest.raises(QueueRefusal, match="Only 2 applications are waiting"):
        lots_draw(queue=queue, parcel=ParcelFactory(), among=3, actor=None)
    with pytest.raises(QueueRefusal, match="Draw lots among 2 to 100"):
        lots_draw(queue=queue, parcel=ParcelFactory(), among=1, actor=None)
    assert not LedgerEntry.objects.filter(event="lot_drawn").exists()
