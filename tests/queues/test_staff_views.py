import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parcels.models import Parcel
from queues.models import Application, LedgerEntry, Offer, SettlementOfficer
from tests.factories import SettlementFactory
from tests.queues.factories import ParcelFactory, applications_register, iin_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(staff_client, settings, tmp_path):
    settings.RGIS_QUEUE_IMPORT_DIR = tmp_path / "imports"
    client, user = staff_client("queue_officer")
    SettlementOfficer.objects.create(user=user, settlement=SettlementFactory())
    return client


def _second_officer(queue):
    """Another queue officer of the same settlement, signed in on a client of their own."""
    from django.test import Client

    from tests.factories import StaffUserFactory

    user = StaffUserFactory(role="queue_officer")
    SettlementOfficer.objects.create(user=user, settlement=queue.settlement)
    client = Client()
    client.force_login(user)
    return client


def _body(response):
    return response.content.decode()


def _messages(response):
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize(
    ("role", "status"), [("queue_officer", 200), ("administrator", 200), ("planner", 403)]
)
def test_queue_pages_are_for_queue_officers(staff_client, queue, role, status):
    [application] = applications_register(queue, 1)
    client, user = staff_client(role)
    SettlementOfficer.objects.create(user=user, settlement=queue.settlement)
    for url in (
        "/en/staff/queues/",
        f"/en/staff/queues/{queue.slug}/",
        f"/en/staff/queues/applications/{application.pk}/",
        f"/en/staff/queues/{queue.slug}/register/",
        f"/en/staff/queues/{queue.slug}/import/",
    ):
        response = client.get(url)
        assert response.status_code == status, url
        if status == 403:
            assert application.full_name not in _body(response)


def test_anonymous_visitors_are_sent_to_sign_in_and_cannot_act(client, queue):
    [application] = applications_register(queue, 1)
    response = client.get(f"/en/staff/queues/{queue.slug}/")
    assert response.status_code == 302
    assert "/staff/login/" in response["Location"]
    response = client.post(f"/en/staff/queues/applications/{application.pk}/verify/")
    assert response.status_code == 302
    application.refresh_from_db()
    assert not application.is_verified


def test_a_planner_cannot_offer_a_parcel(staff_client, queue):
    [application] = applications_register(queue, 1)
    client, _user = staff_client("planner")
    parcel = ParcelFactory()
    response = client.post(
        f"/en/staff/queues/{queue.slug}/offer/",
        {"parcel": parcel.pk, "application": application.pk},
    )
    assert response.status_code == 403
    assert not Offer.objects.exists()


def test_the_queue_page_shows_the_head_with_names_and_masked_iins(
    officer, queue, django_assert_max_num_queries
):
    applications = applications_register(queue, 12)
    with django_assert_max_num_queries(16):
        response = officer.get(f"/en/staff/queues/{queue.slug}/")
    body = _body(response)
    assert applications[0].full_name in body
    # The IIN masked: its last four digits only (the full one is an audited request).
    assert iin_make(1) not in body
    assert "••••••••" + iin_make(1)[-4:] in body
    head = response.context["head"]
    assert [a.position for a in head] == list(range(1, 11))


def test_search_by_iin_number_or_name(officer, queue):
    applications = applications_register(queue, 3)
    by_iin = officer.get(f"/en/staff/queues/{queue.slug}/", {"q": iin_make(2)})
    assert [a.number for a in by_iin.context["rows"]] == [applications[1].number]
    by_name = officer.get(f"/en/staff/queues/{queue.slug}/", {"q": "заявитель 2"})
    assert [a.number for a in by_name.context["rows"]] == [applications[2].number]
    by_status = officer.get(f"/en/staff/queues/{queue.slug}/", {"status": "removed"})
    assert "No application matches." in _body(by_status)


def test_registering_shows_the_iin_validators_message_then_registers(officer, queue):
    url = f"/en/staff/queues/{queue.slug}/register/"
    refused = officer.post(url, {"full_name": "Ахметов Болат", "iin": "791028302729"})
    assert refused.status_code == 400
    assert "This IIN has a typing error: its check digit does not match." in _body(refused)
    assert not Application.objects.exists()

    response = officer.post(
        url, {"full_name": "Ахметов Болат", "iin": "791028302728", "email": "a@example.kz"}
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/staff/queues/applications/{application.pk}/"
    page = officer.get(response["Location"])
    assert f"Application {application.number} is registered." in _messages(page)
    assert "••••••••2728" in _body(page)

    again = officer.post(url, {"full_name": "Ахметов Болат", "iin": "791028302728"})
    assert "already has a live application in this queue" in _body(again)


def test_the_whole_cycle_verify_offer_refuse_accept(officer, queue):
    first, second = applications_register(queue, 2)
    parcel = ParcelFactory()
    queue_url = f"/en/staff/queues/{queue.slug}/"

    offered = officer.post(
        f"{queue_url}offer/", {"parcel": parcel.pk, "application": first.pk}, follow=True
    )
    assert f"Parcel {parcel.cadastral_number} is offered to application {first.number}." in (
        _messages(offered)
    )
    offer = Offer.objects.get(status="open")

    recorded = officer.post(
        f"/en/staff/queues/offers/{offer.pk}/refuse/",
        {"document_number": "ОТК-1", "document_date": "2026-01-05", "reason": "moving away"},
        follow=True,
    )
    assert "A second officer must confirm it." in " ".join(_messages(recorded))
    second_officer = _second_officer(queue)
    refused = second_officer.post(
        f"/en/staff/queues/offers/{offer.pk}/refuse/confirm/", follow=True
    )
    assert f"The parcel is offered to {second.number}." in " ".join(_messages(refused))

    passed = Offer.objects.get(status="open")
    assert passed.application == second
    not_verified = officer.post(f"/en/staff/queues/offers/{passed.pk}/accept/", follow=True)
    assert "Verify the applicant's documents before recording the allocation." in (
        _messages(not_verified)
    )
    officer.post(f"/en/staff/queues/applications/{second.pk}/verify/")
    accepted = officer.post(f"/en/staff/queues/offers/{passed.pk}/accept/", follow=True)
    assert "The parcel is allocated." in _messages(accepted)
    assert "plot allocated" in _body(accepted)
    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.ALLOCATED
    events = list(
        LedgerEntry.objects.filter(queue=queue, application_number=second.number).values_list(
            "event", flat=True
        )
    )
    assert events == ["registered", "offered", "verified", "accepted"]


def test_an_offer_to_someone_no_longer_at_the_head_is_refused(officer, queue):
    first, second = applications_register(queue, 2)
    response = officer.post(
        f"/en/staff/queues/{queue.slug}/offer/",
        {"parcel": ParcelFactory().pk, "application": second.pk},
        follow=True,
    )
    assert f"This application is not at the head of the queue: {first.number} is." in (
        _messages(response)
    )
    assert not Offer.objects.exists()


def test_drawing_lots_from_the_queue_page(officer, queue):
    applications_register(queue, 5)
    parcel = ParcelFactory()
    response = officer.post(
        f"/en/staff/queues/{queue.slug}/draw/", {"parcel": parcel.pk, "among": 3}, follow=True
    )
    [message] = _messages(response)
    draw = LedgerEntry.objects.get(event="lot_drawn").details
    assert draw["seed"] in message and draw["winner"] in message
    assert response.context["application"].number == draw["winner"]


def test_removing_with_a_reason_and_correcting(officer, queue, removal_reason):
    first, second = applications_register(queue, 2)
    removed = officer.post(
        f"/en/staff/queues/applications/{first.pk}/remove/",
        {"reason": removal_reason.pk, "note": "өтініш №12"},
        follow=True,
    )
    assert "The application is removed from the queue." in _messages(removed)
    assert "өтініш №12" in _body(removed)  # the note, in the audit part of the history
    no_reason = officer.post(
        f"/en/staff/queues/applications/{second.pk}/remove/", {"reason": ""}, follow=True
    )
    assert "Reason" in " ".join(_messages(no_reason))

    url = f"/en/staff/queues/applications/{second.pk}/correct/"
    form = officer.get(url).context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data["filed_at"] = form.initial["filed_at"].strftime("%Y-%m-%dT%H:%M")
    data.update({"full_name": "Тестов Исправленный", "reason": ""})
    missing_reason = officer.post(url, data)
    assert missing_reason.status_code == 400
    data["reason"] = "паспорт"
    corrected = officer.post(url, data, follow=True)
    assert "The record is corrected." in _messages(corrected)
    second.refresh_from_db()
    assert second.full_name == "Тестов Исправленный"
    assert LedgerEntry.objects.filter(event="corrected").get().details["fields"] == ["full_name"]


def _register_csv(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Номер", "ФИО", "ИИН", "Дата подачи"])
    writer.writerows(rows)
    return SimpleUploadedFile("реестр.csv", buffer.getvalue().encode("utf-8-sig"))


def test_importing_a_register_reports_then_imports_on_confirmation(officer, queue):
    upload = _register_csv(
        [
            ["R-1", "Ахметов Болат", iin_make(1), "12.01.2015 10:30"],
            ["R-2", "Сейтқали Айгерім", "791028302729", "13.01.2015 10:30"],
            ["R-3", "Иванова Мария", iin_make(3), "14.01.2015"],
        ]
    )
    url = f"/en/staff/queues/{queue.slug}/import/"
    checked = officer.post(url, {"file": upload})
    assert checked.status_code == 302
    report = officer.get(checked["Location"])
    body = _body(report)
    assert "Would be imported" in body
    assert "IIN: This IIN has a typing error" in body
    assert "Import the 2 accepted rows" in body
    assert not Application.objects.exists()

    # Without the archive register's reference nothing is imported.
    bare = officer.post(checked["Location"], follow=True)
    assert "Give the number and date of the register" in " ".join(_messages(bare))
    assert not Application.objects.exists()

    done = officer.post(checked["Location"], ARCHIVE, follow=True)
    assert "2 applications are imported, pending" in " ".join(_messages(done))
    assert sorted(Application.objects.values_list("number", flat=True)) == ["R-1", "R-3"]
    assert set(Application.objects.values_list("status", flat=True)) == {"pending"}
    # Confirming twice imports nothing more.
    officer.post(checked["Location"], ARCHIVE)
    assert Application.objects.count() == 2


ARCHIVE = {
    "backdate_document": "АРХ-2015/1",
    "backdate_document_date": "2015-12-31",
    "backdate_reason": "the 2015 paper register",
}


def test_an_imported_register_takes_its_places_once_a_second_officer_approves_it(officer, queue):
    from staff.models import AuditEntry

    [already] = applications_register(queue, 1)  # filed ~1000 days ago
    upload = _register_csv(
        [
            ["R-1", "Ахметов Болат", iin_make(51), "12.01.2015 10:30"],
            ["R-2", "Иванова Мария", iin_make(52), "14.01.2016"],
        ]
    )
    checked = officer.post(f"/en/staff/queues/{queue.slug}/import/", {"file": upload})
    officer.post(checked["Location"], ARCHIVE)
    pending_url = f"/en/staff/queues/{queue.slug}/pending/"
    batch = Application.objects.get(number="R-1").backdate_batch
    assert officer.get(f"/en/staff/queues/applications/{already.pk}/").context["position"] == 1

    # The importer cannot approve his own import.
    own = officer.post(pending_url, {"batch": batch, "decision": "approve"}, follow=True)
    assert "A second officer must decide on the back-dating" in " ".join(_messages(own))
    assert Application.objects.filter(status="pending").count() == 2

    second = _second_officer(queue)
    page = second.get(pending_url)
    assert "2 applications filed from" in _body(page)
    assert "АРХ-2015/1" in _body(page)
    approved = second.post(pending_url, {"batch": batch, "decision": "approve"}, follow=True)
    assert "The import is approved: 2 applications" in " ".join(_messages(approved))
    assert Application.objects.filter(status="waiting").count() == 3
    assert second.get(f"/en/staff/queues/applications/{already.pk}/").context["position"] == 3
    entries = LedgerEntry.objects.filter(event="backdate_approved")
    assert entries.count() == 2
    assert {entry.details["batch"] for entry in entries} == {batch}
    assert AuditEntry.objects.filter(action="queues.register.approve").count() == 1


def test_a_file_without_the_columns_is_refused_on_the_upload_page(officer, queue):
    upload = SimpleUploadedFile("r.csv", "Номер;ФИО\n1;А\n".encode())
    response = officer.post(f"/en/staff/queues/{queue.slug}/import/", {"file": upload})
    assert response.status_code == 400
    assert "The file has no column for: IIN, filing date." in _body(response)


def test_the_staff_home_links_to_the_queues_for_officers_only(staff_client):
    client, _user = staff_client("queue_officer")
    assert "/en/staff/queues/" in _body(client.get("/en/staff/"))
    planner, _user = staff_client("planner")
    assert "/en/staff/queues/" not in _body(planner.get("/en/staff/"))


def test_removal_reasons_are_configured_in_the_admin_and_audited(client, removal_reason):
    from django.contrib.auth.models import User

    from staff.models import AuditEntry

    admin_user = User.objects.create_superuser("root", "root@example.kz", "pw")
    client.force_login(admin_user)
    url = f"/en/admin/queues/removalreason/{removal_reason.pk}/change/"
    response = client.post(
        url,
        {
            "name_kk": removal_reason.name_kk,
            "name_ru": removal_reason.name_ru,
            "name_en": "At the applicant's own request",
        },
    )
    assert response.status_code == 302
    removal_reason.refresh_from_db()
    assert removal_reason.name_en == "At the applicant's own request"
    assert removal_reason.is_active is False  # the unchecked box: retired, not deleted
    entry = AuditEntry.objects.get(object_type="queues.removalreason", action="update")
    assert entry.before["is_active"] is True and entry.after["is_active"] is False
    assert client.get("/en/admin/queues/queue/add/").status_code == 200


def test_reading_an_iin_in_full_is_an_audited_request(officer, queue):
    from staff.models import AuditEntry

    [application] = applications_register(queue, 1)
    iin = iin_make(1)
    page = officer.get(f"/en/staff/queues/applications/{application.pk}/")
    assert iin not in _body(page)
    assert "Show the IIN" in _body(page)
    assert not AuditEntry.objects.filter(action="queues.application.iin_read").exists()

    shown = officer.post(f"/en/staff/queues/applications/{application.pk}/iin/")

    assert shown.status_code == 200
    assert iin in _body(shown)
    assert "no-store" in shown["Cache-Control"]
    [entry] = AuditEntry.objects.filter(action="queues.application.iin_read")
    assert entry.object_type == "queues.application"
    assert entry.object_id == str(application.pk)
    assert entry.actor == shown.wsgi_request.user
    assert iin not in str(entry.before) + str(entry.after) + entry.actor_username
    # Reading the page does not count as reading the IIN: a GET of the address does nothing.
    assert officer.get(f"/en/staff/queues/applications/{application.pk}/iin/").status_code == 405


def test_a_refusal_on_the_applicants_behalf_needs_a_document_and_a_second_officer(officer, queue):
    from staff.models import AuditEntry

    first, second = applications_register(queue, 2)
    parcel = ParcelFactory()
    officer.post(
        f"/en/staff/queues/{queue.slug}/offer/", {"parcel": parcel.pk, "application": first.pk}
    )
    offer = Offer.objects.get(status="open")
    url = f"/en/staff/queues/offers/{offer.pk}/refuse/"
    ledger_before = LedgerEntry.objects.count()

    # No document: nothing happens.
    bare = officer.post(url, follow=True)
    assert "Refusal document number" in " ".join(_messages(bare))
    # The document recorded, and the same officer tries to confirm it himself.
    officer.post(
        url, {"document_number": "ОТК-9", "document_date": "2026-01-05", "reason": "moving"}
    )
    own = officer.post(f"{url}confirm/", follow=True)
    assert "A second officer must confirm the refusal" in " ".join(_messages(own))
    offer.refresh_from_db()
    first.refresh_from_db()
    assert offer.status == Offer.Status.OPEN and first.status == Application.Status.OFFERED
    assert LedgerEntry.objects.count() == ledger_before  # the parcel has not moved on

    confirmed = _second_officer(queue).post(f"{url}confirm/", follow=True)

    assert f"The parcel is offered to {second.number}." in " ".join(_messages(confirmed))
    offer.refresh_from_db()
    assert offer.status == Offer.Status.REFUSED
    assert offer.refusal_requested_by_id != offer.refusal_confirmed_by_id
    refused = LedgerEntry.objects.get(event="refused")
    assert refused.details["refusal_document"] == "ОТК-9"
    assert refused.details["refusal_document_date"] == "2026-01-05"
    assert refused.details["requested_by"] == offer.refusal_requested_by_id
    assert refused.details["confirmed_by"] == offer.refusal_confirmed_by_id
    assert AuditEntry.objects.filter(action="queues.offer.refusal_request").count() == 1
    assert AuditEntry.objects.filter(action="queues.offer.refused").count() == 1


def test_the_database_refuses_a_refused_offer_without_two_officers(queue):
    from django.db import IntegrityError, transaction

    from queues.services.offers import offer_to_head
    from tests.factories import StaffUserFactory

    applications_register(queue, 1)
    officer = StaffUserFactory(role="queue_officer")
    offer = offer_to_head(queue=queue, parcel=ParcelFactory(), actor=officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.filter(pk=offer.pk).update(
            status="refused",
            refusal_document="ОТК-1",
            refusal_document_date="2026-01-05",
            refusal_reason="x",
            refusal_requested_by=officer,
            refusal_confirmed_by=officer,
        )


def test_a_back_dated_registration_waits_for_a_second_officer(officer, queue):
    from staff.models import AuditEntry

    [ahead] = applications_register(queue, 1)  # filed long ago, waiting, first in line
    url = f"/en/staff/queues/{queue.slug}/register/"
    person = {"full_name": "Ерте Келген", "iin": iin_make(40), "filed_at": "2010-01-05T09:00"}

    bare = officer.post(url, person)
    assert bare.status_code == 400
    assert "A filing date before today needs the reason" in _body(bare)
    assert not Application.objects.filter(full_name="Ерте Келген").exists()

    officer.post(
        url,
        {
            **person,
            "backdate_document": "АРХ-12",
            "backdate_document_date": "2010-01-05",
            "backdate_reason": "paper register of 2010",
        },
    )
    pending = Application.objects.get(full_name="Ерте Келген")
    assert pending.status == Application.Status.PENDING
    page = officer.get(f"/en/staff/queues/applications/{ahead.pk}/")
    assert page.context["position"] == 1  # the pending one holds no place yet
    registered = LedgerEntry.objects.get(event="registered", application_number=pending.number)
    assert registered.details["status"] == "pending"
    assert registered.details["document"] == "АРХ-12"

    # The registrar cannot approve his own back-dating.
    own = officer.post(
        f"/en/staff/queues/applications/{pending.pk}/backdate/",
        {"decision": "approve"},
        follow=True,
    )
    assert "A second officer must decide on the back-dating" in " ".join(_messages(own))
    pending.refresh_from_db()
    assert pending.status == Application.Status.PENDING

    approved = _second_officer(queue).post(
        f"/en/staff/queues/applications/{pending.pk}/backdate/",
        {"decision": "approve"},
        follow=True,
    )
    assert "The earlier filing date is approved" in " ".join(_messages(approved))
    pending.refresh_from_db()
    assert pending.status == Application.Status.WAITING
    assert pending.backdate_approved_by_id not in (None, pending.registered_by_id)
    entry = LedgerEntry.objects.get(event="backdate_approved")
    assert entry.details["position_after"] == 1  # 2010: ahead of everyone, now approved
    assert entry.details["registered_by"] == pending.registered_by_id
    assert entry.details["decided_by"] == pending.backdate_approved_by_id
    assert AuditEntry.objects.filter(action="queues.application.backdate_approve").count() == 1


def test_a_rejected_back_dating_files_the_application_as_of_its_registration(officer, queue):
    applications_register(queue, 2)
    officer.post(
        f"/en/staff/queues/{queue.slug}/register/",
        {
            "full_name": "Ерте Келген",
            "iin": iin_make(41),
            "filed_at": "2010-01-05T09:00",
            "backdate_document": "АРХ-13",
            "backdate_document_date": "2010-01-05",
            "backdate_reason": "says so",
        },
    )
    pending = Application.objects.get(full_name="Ерте Келген")
    _second_officer(queue).post(
        f"/en/staff/queues/applications/{pending.pk}/backdate/", {"decision": "reject"}
    )
    pending.refresh_from_db()
    assert pending.status == Application.Status.WAITING
    assert pending.filed_at == pending.created_at
    entry = LedgerEntry.objects.get(event="backdate_rejected")
    assert entry.details["position_after"] == 3  # behind the two filed before


def test_the_database_refuses_a_back_dated_application_approved_by_its_registrar(queue):
    from django.db import IntegrityError, transaction

    from tests.factories import StaffUserFactory

    [application] = applications_register(queue, 1)
    officer = StaffUserFactory(role="queue_officer")
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(
            backdated=True,
            registered_by=officer,
            backdate_approved_by=officer,
            backdate_document="X",
            backdate_reason="x",
        )


def test_an_officer_cannot_move_a_filing_time_earlier_by_a_correction(officer, queue):
    first, second = applications_register(queue, 2)
    url = f"/en/staff/queues/applications/{second.pk}/correct/"
    form = officer.get(url).context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data["filed_at"] = "2001-01-01T09:00"
    data["reason"] = "журнал"
    response = officer.post(url, data)
    assert response.status_code == 400
    assert "A filing time cannot be moved earlier by a correction" in _body(response)
    second.refresh_from_db()
    assert second.filed_at > first.filed_at
    assert not LedgerEntry.objects.filter(event="corrected").exists()
