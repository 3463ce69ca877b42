"""Two officers accept offers for the same person at once, in two settlements' queues."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from parcels.models import Parcel, Settlement
from queues.models import Application, LedgerEntry, Offer, Queue
from queues.services.applications import application_register, application_verify
from queues.services.offers import offer_to_head
from staff.models import AuditEntry
from tests.factories import QueueFactory, StaffUserFactory
from tests.queues.factories import ParcelFactory, iin_make

ACCEPT_REFUSED = "This person has already received a plot for this purpose"


def _queue_of(slug: str, name: str) -> Queue:
    settlement = Settlement.objects.create(slug=slug, name_kk=name, name_ru=name, name_en=name)
    return QueueFactory(slug=f"{slug}-izhs", settlement=settlement)


def _backends_waiting_for_a_lock(count: int) -> None:
    """Block until `count` other backends wait for a lock."""
    with connection.cursor() as cursor:
        for _attempt in range(2000):
            # Inside a transaction the statistics are a snapshot: take a fresh one each time.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0] >= count:
                return
            threading.Event().wait(0.01)
    raise AssertionError("the acceptances never reached the held locks")


@pytest.mark.django_db(transaction=True)
def test_two_acceptances_at_once_in_two_queues_give_one_plot(settings):
    iin = iin_make(7)
    queues = [_queue_of("taraz", "Тараз"), _queue_of("shu", "Шу")]
    officers = [StaffUserFactory(role="administrator") for _queue in queues]
    offers = []
    for queue, officer in zip(queues, officers, strict=True):
        application = application_register(queue=queue, full_name="Екі Жер Алушы", iin=iin)
        parcel = ParcelFactory(settlement=queue.settlement)
        offers.append(offer_to_head(queue=queue, parcel=parcel, actor=officer))
        application_verify(application=application, actor=officer)
    ledger_before = LedgerEntry.objects.count()

    # Both acceptances pass the Python check before either commits: this connection holds
    # the two officers' rows, which each acceptance's first audit entry (after the check)
    # must share-lock, until both requests wait there (or, with the unique index, one
    # waits for the other's transaction).
    clients = []
    for officer in officers:
        clients.append(Client())
        clients[-1].force_login(officer)
    barrier = threading.Barrier(2)
    answers: dict[int, str] = {}

    def accept(index: int) -> None:
        try:
            client = clients[index]
            barrier.wait()
            response = client.post(
                f"/en/staff/queues/offers/{offers[index].pk}/accept/", follow=True
            )
            answers[index] = response.content.decode()
        finally:
            connections.close_all()

    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute(
            "SELECT id FROM auth_user WHERE id = ANY(%s) FOR UPDATE",
            [[officer.pk for officer in officers]],
        )
        threads = [threading.Thread(target=accept, args=(index,)) for index in range(2)]
        for thread in threads:
            thread.start()
        _backends_waiting_for_a_lock(2)
        cursor.execute("COMMIT")
    for thread in threads:
        thread.join(timeout=60)

    allocated = Application.objects.filter(status=Application.Status.ALLOCATED)
    assert allocated.count() == 1
    winner = allocated.get()
    loser = Application.objects.exclude(pk=winner.pk).get()
    assert loser.status == Application.Status.OFFERED  # its offer is still open, to refuse
    assert Offer.objects.get(application=loser).status == Offer.Status.OPEN
    assert Parcel.objects.filter(status=Parcel.Status.ALLOCATED).count() == 1
    assert Parcel.objects.get(pk=Offer.objects.get(application=loser).parcel_id).status == (
        Parcel.Status.RESERVED
    )
    # The ledger has one allocation; the refused officer saw why.
    assert LedgerEntry.objects.filter(event="accepted").count() == 1
    assert LedgerEntry.objects.count() == ledger_before + 1
    loser_index = 0 if loser.queue_id == queues[0].pk else 1
    assert ACCEPT_REFUSED in answers[loser_index]
    assert "The parcel is allocated." in answers[1 - loser_index]
    assert AuditEntry.objects.filter(action="queues.offer.accept").count() == 1
