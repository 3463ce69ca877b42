"""Queue officers act only on the queues of their own settlements."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parcels.models import Parcel
from queues.models import Application, LedgerEntry, Offer, SettlementOfficer
from queues.services.applications import application_verify
from queues.services.offers import offer_to_head
from staff.models import AuditEntry
from tests.factories import QueueFactory, SettlementFactory, StaffUserFactory
from tests.queues.factories import ParcelFactory, applications_register, iin_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def shu_officer(staff_client):
    """A queue officer of Shu (another settlement than the Taraz queue's)."""
    shu = SettlementFactory(slug="shu", name_kk="Шу", name_ru="Шу", name_en="Shu")
    QueueFactory(slug="shu-izhs", settlement=shu)
    client, user = staff_client("queue_officer")
    SettlementOfficer.objects.create(user=user, settlement=shu)
    return client


def _state():
    """Everything an action could change: applications, offers, parcels, ledger, audit."""
    return (
        list(Application.objects.order_by("pk").values()),
        list(Offer.objects.order_by("pk").values()),
        list(Parcel.objects.order_by("pk").values_list("pk", "status")),
        list(LedgerEntry.objects.order_by("pk").values_list("pk", "entry_hash")),
        AuditEntry.objects.count(),
    )


def _register_csv():
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Номер", "ФИО", "ИИН", "Дата подачи"])
    writer.writerow(["R-1", "Ахметов Болат", iin_make(31), "12.01.2015 10:30"])
    return SimpleUploadedFile("реестр.csv", buffer.getvalue().encode("utf-8-sig"))


def test_an_officer_of_another_settlement_gets_404_for_every_action(
    shu_officer, queue, settings, tmp_path
):
    settings.RGIS_QUEUE_IMPORT_DIR = tmp_path / "imports"
    officer = StaffUserFactory(role="queue_officer")
    offered, waiting = applications_register(queue, 2)
    offer = offer_to_head(queue=queue, parcel=ParcelFactory(), actor=officer)
    application_verify(application=offered, actor=officer)
    free = ParcelFactory()
    reason = "own-request"
    before = _state()

    taraz = f"/en/staff/queues/{queue.slug}"
    application = f"/en/staff/queues/applications/{waiting.pk}"
    attempts = [
        ("get", f"{taraz}/", {}),
        ("get", f"{application}/", {}),
        ("get", f"/en/staff/queues/applications/{offered.pk}/", {}),
        ("post", f"{taraz}/register/", {"full_name": "Жаңа Адам", "iin": iin_make(30)}),
        ("post", f"{application}/iin/", {}),
        ("post", f"{application}/verify/", {}),
        ("post", f"{taraz}/offer/", {"parcel": free.pk, "application": waiting.pk}),
        ("post", f"{taraz}/draw/", {"parcel": free.pk, "among": 2}),
        ("post", f"/en/staff/queues/offers/{offer.pk}/accept/", {}),
        ("post", f"/en/staff/queues/offers/{offer.pk}/refuse/", {}),
        ("post", f"{application}/remove/", {"reason": reason, "note": "x"}),
        (
            "post",
            f"{application}/correct/",
            {"full_name": "Басқа Адам", "iin": iin_make(2), "reason": "typo"},
        ),
        ("post", f"{taraz}/import/", {"file": _register_csv()}),
        ("post", f"{taraz}/import/report/", {}),
        ("get", f"{taraz}/pending/", {}),
        ("post", f"{taraz}/pending/", {"batch": "x", "decision": "approve"}),
        ("post", f"{application}/backdate/", {"decision": "approve"}),
        ("post", f"/en/staff/queues/offers/{offer.pk}/refuse/confirm/", {}),
        ("post", f"/en/staff/queues/offers/{offer.pk}/refuse/reject/", {}),
    ]
    for method, url, data in attempts:
        response = getattr(shu_officer, method)(url, data)
        assert response.status_code == 404, url
        assert waiting.full_name not in response.content.decode(), url

    assert _state() == before
    # Their list shows their own settlement's queue only.
    listing = shu_officer.get("/en/staff/queues/").content.decode()
    assert "shu-izhs" in listing
    assert queue.slug not in listing


def test_an_officer_without_a_settlement_sees_no_queue(staff_client, queue):
    applications_register(queue, 1)
    client, _user = staff_client("queue_officer")
    assert queue.slug not in client.get("/en/staff/queues/").content.decode()
    assert client.get(f"/en/staff/queues/{queue.slug}/").status_code == 404


def test_administrators_see_every_settlements_queue(staff_client, queue):
    [application] = applications_register(queue, 1)
    client, _user = staff_client("administrator")
    assert client.get(f"/en/staff/queues/{queue.slug}/").status_code == 200
    response = client.post(f"/en/staff/queues/applications/{application.pk}/verify/")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.is_verified


def test_only_staff_managers_assign_officers_to_settlements_in_the_admin(staff_client, queue):
    officer = StaffUserFactory(role="queue_officer")
    client, _user = staff_client("queue_officer")
    response = client.post(
        "/en/admin/queues/settlementofficer/add/",
        {"user": officer.pk, "settlement": queue.settlement_id},
    )
    assert response.status_code in (302, 403)
    assert not SettlementOfficer.objects.exists()

    admin_client, _admin = staff_client("administrator")
    response = admin_client.post(
        "/en/admin/queues/settlementofficer/add/",
        {"user": officer.pk, "settlement": queue.settlement_id},
    )
    assert response.status_code == 302
    assert SettlementOfficer.objects.filter(user=officer, settlement=queue.settlement).exists()
    assert AuditEntry.objects.filter(object_type="queues.settlementofficer").exists()
