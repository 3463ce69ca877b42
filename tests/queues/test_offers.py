import datetime

import pytest
from django.utils import timezone

from parcels.models import Parcel
from queues.errors import QueueRefusal
from queues.models import Application, LedgerEntry, Offer
from queues.selectors.positions import application_position
from queues.services.applications import application_verify
from queues.services.offers import offer_accept, offer_to_head, offers_expire
from staff.models import AuditEntry
from tests.factories import StaffUserFactory
from tests.queues.factories import ParcelFactory, applications_register, iin_make, refuse_on_behalf

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return StaffUserFactory(role="queue_officer")


def _events(queue):
    return list(LedgerEntry.objects.filter(queue=queue).order_by("sequence"))


def test_an_offer_goes_to_the_head_and_reserves_the_parcel(queue, officer):
    first, second = applications_register(queue, 2)
    parcel = ParcelFactory()

    offer = offer_to_head(queue=queue, parcel=parcel, actor=officer)

    assert offer.application == first
    first.refresh_from_db()
    parcel.refresh_from_db()
    assert first.status == Application.Status.OFFERED
    assert parcel.status == Parcel.Status.RESERVED
    # The offered application no longer waits: the one behind it is now first.
    second.refresh_from_db()
    assert application_position(second) == 1
    entry = _events(queue)[-1]
    assert entry.event == "offered"
    assert entry.application_number == first.number
    assert entry.details["parcel"] == parcel.cadastral_number
    assert entry.details["status_before"] == "waiting"
    assert entry.details["status_after"] == "offered"
    expected_expiry = offer.expires_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    assert entry.details["expires_at"].startswith(expected_expiry)
    assert AuditEntry.objects.filter(action="queues.offer.open", actor=officer).exists()


def test_an_offer_is_refused_to_anyone_but_the_head(queue, officer):
    _first, second = applications_register(queue, 2)
    with pytest.raises(QueueRefusal, match="not at the head of the queue"):
        offer_to_head(queue=queue, parcel=ParcelFactory(), actor=officer, application=second)
    assert not Offer.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": Parcel.Status.ALLOCATED}, "The parcel is not free"),
        ({"purpose_code": "lph"}, "The parcel's purpose differs from the queue's"),
    ],
)
def test_an_unsuitable_parcel_is_refused(queue, officer, change, message):
    from parcels.models import LandPurpose

    applications_register(queue, 1)
    if "purpose_code" in change:
        parcel = ParcelFactory(purpose=LandPurpose.objects.exclude(code="izhs").first())
    else:
        parcel = ParcelFactory(**change)
    with pytest.raises(QueueRefusal, match=message):
        offer_to_head(queue=queue, parcel=parcel, actor=officer)
    assert LedgerEntry.objects.filter(event="offered").count() == 0


def test_accepting_allocates_application_and_parcel_once_verified(queue, officer):
    [first] = applications_register(queue, 1)
    parcel = ParcelFactory()
    offer = offer_to_head(queue=queue, parcel=parcel, actor=officer)

    with pytest.raises(QueueRefusal, match="Verify the applicant's documents"):
        offer_accept(offer=offer, actor=officer)

    application_verify(application=first, actor=officer)
    allocated = offer_accept(offer=offer, actor=officer)

    assert allocated.status == Application.Status.ALLOCATED
    assert allocated.parcel == parcel
    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.ALLOCATED
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED
    assert [e.event for e in _events(queue)] == ["registered", "offered", "verified", "accepted"]
    assert _events(queue)[-1].details == {
        "status_before": "offered",
        "status_after": "allocated",
        "parcel": parcel.cadastral_number,
    }
    with pytest.raises(QueueRefusal, match="no longer open"):
        offer_accept(offer=offer, actor=officer)


def test_a_refuser_keeps_their_place_and_the_parcel_passes_to_the_next(queue, officer):
    first, second, third = applications_register(queue, 3)
    parcel = ParcelFactory()
    offer = offer_to_head(queue=queue, parcel=parcel, actor=officer)

    passed = refuse_on_behalf(offer, officer)

    assert passed is not None and passed.application == second
    first.refresh_from_db()
    second.refresh_from_db()
    parcel.refresh_from_db()
    assert first.status == Application.Status.WAITING
    assert application_position(first) == 1  # back in its original place
    assert second.status == Application.Status.OFFERED
    assert parcel.status == Parcel.Status.RESERVED
    refused, offered = _events(queue)[-2:]
    assert refused.event == "refused" and refused.application_number == first.number
    assert refused.details["status_after"] == "waiting"
    assert refused.details["passed_to"] == second.number
    assert offered.event == "offered" and offered.application_number == second.number
    assert offered.details["passed_from"] == first.number

    # The second refuses too: the parcel skips the first (who already said no) to the third.
    passed_again = refuse_on_behalf(passed, officer)
    assert passed_again is not None and passed_again.application == third


def test_the_last_refusal_frees_the_parcel(queue, officer):
    [only] = applications_register(queue, 1)
    parcel = ParcelFactory()
    offer = offer_to_head(queue=queue, parcel=parcel, actor=officer)

    assert refuse_on_behalf(offer, officer) is None

    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.FREE
    assert _events(queue)[-1].details["passed_to"] is None


def test_expired_offers_pass_on_and_cannot_be_accepted(queue, officer):
    first, second = applications_register(queue, 2)
    application_verify(application=first, actor=officer)
    parcel = ParcelFactory()
    offer = offer_to_head(queue=queue, parcel=parcel, actor=officer)
    later = offer.expires_at + datetime.timedelta(seconds=1)

    assert offers_expire(now=offer.expires_at - datetime.timedelta(days=1)) == []
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now())
    with pytest.raises(QueueRefusal, match="expired"):
        offer_accept(offer=offer, actor=officer)

    closed = offers_expire(now=later)

    assert [o.pk for o in closed] == [offer.pk]
    offer.refresh_from_db()
    first.refresh_from_db()
    assert offer.status == Offer.Status.EXPIRED
    assert first.status == Application.Status.WAITING
    assert Offer.objects.get(status=Offer.Status.OPEN).application == second
    expired = LedgerEntry.objects.get(event="expired")
    assert expired.application_number == first.number
    assert AuditEntry.objects.filter(
        action="queues.offer.expired", actor_username="queue_offers_expire"
    ).exists()


def test_the_expiry_command_closes_due_offers(queue, officer):
    from django.core.management import call_command

    applications_register(queue, 1)
    offer = offer_to_head(queue=queue, parcel=ParcelFactory(), actor=officer)
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now())

    from io import StringIO

    out = StringIO()
    call_command("queue_offers_expire", stdout=out)

    assert "1" in out.getvalue()
    offer.refresh_from_db()
    assert offer.status == Offer.Status.EXPIRED


def test_the_expiry_job_closes_due_offers(queue, run_jobs):
    from queues.services.offers import offers_expire_task

    applications_register(queue, 2)
    offer = offer_to_head(queue=queue, parcel=ParcelFactory(), actor=None)
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now())

    offers_expire_task.enqueue()
    assert "offers_expire_task" in " ".join(run_jobs())

    offer.refresh_from_db()
    assert offer.status == Offer.Status.EXPIRED
    assert LedgerEntry.objects.filter(event="expired").count() == 1


def _same_person_in(queue_slug: str, settlement_name: str, iin: str, purpose: str = "izhs"):
    """The person's application in another settlement's queue (for `purpose`)."""
    from parcels.models import LandPurpose
    from queues.services.applications import application_register
    from tests.factories import QueueFactory, SettlementFactory

    other_queue = QueueFactory(
        slug=queue_slug,
        settlement=SettlementFactory(slug=queue_slug, name_ru=settlement_name),
        purpose=LandPurpose.objects.get(code=purpose),
    )
    return application_register(queue=other_queue, full_name="Тестов Заявитель 0", iin=iin)


def test_a_plot_once_in_a_lifetime_takes_the_person_off_their_other_queues_for_it(
    queue, officer, django_capture_on_commit_callbacks
):
    [first] = applications_register(queue, 1)
    iin = iin_make(1)
    elsewhere = _same_person_in("shu-izhs", "Шу", iin)
    gardening = _same_person_in("taraz-gardening", "Тараз-сады", iin, purpose="gardening")
    offer = offer_to_head(queue=queue, parcel=ParcelFactory(), actor=officer)
    application_verify(application=first, actor=officer)

    with django_capture_on_commit_callbacks(execute=True):
        offer_accept(offer=offer, actor=officer)

    elsewhere.refresh_from_db()
    gardening.refresh_from_db()
    assert elsewhere.status == Application.Status.REMOVED
    assert elsewhere.removal_reason.code == "plot-received"
    removed = _events(elsewhere.queue)[-1]
    assert (removed.event, removed.application_number) == ("removed", elsewhere.number)
    assert removed.details["reason"] == "plot-received"
    assert gardening.status == Application.Status.WAITING  # another purpose: still waiting


def test_a_second_plot_for_the_same_purpose_cannot_be_accepted(queue, officer):
    [first] = applications_register(queue, 1)
    elsewhere = _same_person_in("shu-izhs", "Шу", iin_make(1))
    offers = [
        offer_to_head(queue=queue, parcel=ParcelFactory(), actor=officer),
        offer_to_head(
            queue=elsewhere.queue,
            parcel=ParcelFactory(settlement=elsewhere.queue.settlement),
            actor=officer,
        ),
    ]
    application_verify(application=first, actor=officer)
    application_verify(application=elsewhere, actor=officer)
    offer_accept(offer=offers[0], actor=officer)

    with pytest.raises(QueueRefusal, match="already received a plot for this purpose"):
        offer_accept(offer=offers[1], actor=officer)
    elsewhere.refresh_from_db()
    assert elsewhere.status == Application.Status.OFFERED
