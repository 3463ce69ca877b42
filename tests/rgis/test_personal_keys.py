"""Point 7 of issue 12: separate encryption and look-up keys that rotate while the portal
runs, and a ledger pseudonym key that never does.

Data are written under the single original key A; then the lists become [B, A]; old values
still read and look-ups by IIN still find them; `personal_data_rotate` brings everything to
B; then B alone reads and finds everything, and the public ledger still verifies, with
each applicant under the same pseudonym as before.
"""

import io
import re

import pytest
from cryptography.fernet import InvalidToken
from django.core.management import CommandError, call_command

from appeals.models import Appeal, Category
from appeals.services.filing import Applicant, appeal_file
from queues.errors import QueueRefusal
from queues.models import Application, LedgerEntry
from queues.services.applications import application_register, application_verify
from rgis import personal
from tests.factories import QueueFactory

pytestmark = pytest.mark.django_db

KEY_A = "A" * 20 + "original-single-key-of-the-portal"
ENCRYPT_B = "B" * 20 + "new-encryption-key-after-a-leak"
LOOKUP_B = "C" * 20 + "new-look-up-key-after-a-leak-00"
PEOPLE = ("791028302728", "061211600012")


@pytest.fixture
def keys(settings):
    """Start with the single original key, as every installation so far."""
    settings.RGIS_PERSONAL_DATA_KEY = KEY_A
    settings.RGIS_PERSONAL_ENCRYPTION_KEYS = []
    settings.RGIS_PERSONAL_LOOKUP_KEYS = []
    settings.RGIS_LEDGER_PSEUDONYM_KEY = ""
    return settings


def _written_under_a(*, with_appeal: bool = True):
    queue = QueueFactory()
    applications = [
        application_register(queue=queue, full_name=f"Тестов Человек {i}", iin=iin)
        for i, iin in enumerate(PEOPLE)
    ]
    if not with_appeal:  # transactional tests: the categories of migrations are flushed
        return queue, applications, None
    appeal, _created = appeal_file(
        category=Category.objects.get(slug="lighting"),
        description="Не горит фонарь у дома 12",
        applicant=Applicant(full_name="Сейткали Айгерим", iin=PEOPLE[1], phone="+77011234567"),
        lat=42.9,
        lon=71.37,
    )
    return queue, applications, appeal


def _found_by_iin(client, iin: str) -> list[str]:
    response = client.post("/en/queues/lookup/", {"iin": iin}, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 200
    return re.findall(r'data-application="([^"]+)"', response.content.decode())


def _applicants(application) -> set[str]:
    return set(
        LedgerEntry.objects.filter(application_number=application.number).values_list(
            "applicant_key", flat=True
        )
    )


def _verify() -> bool:
    try:
        call_command("queue_verify", "--language", "en", stdout=io.StringIO())
    except CommandError:
        return False
    return True


def test_keys_rotate_while_old_data_still_read_and_match(client, keys):
    queue, applications, appeal = _written_under_a()
    pseudonyms = [_applicants(application) for application in applications]
    assert all(len(found) == 1 for found in pseudonyms)

    # A new key in front of each list; the original key stays behind it for reading.
    keys.RGIS_PERSONAL_ENCRYPTION_KEYS = [ENCRYPT_B, KEY_A]
    keys.RGIS_PERSONAL_LOOKUP_KEYS = [LOOKUP_B, KEY_A]
    stored = Application.objects.get(pk=applications[0].pk)
    assert personal.personal_decrypt(stored.iin_encrypted) == PEOPLE[0]
    assert _found_by_iin(client, PEOPLE[0]) == [applications[0].number]
    # The database's unique index compares hashes; the service still sees the person.
    with pytest.raises(QueueRefusal, match="already has a live application"):
        application_register(queue=queue, full_name="Тестов Человек 0", iin=PEOPLE[0])
    # New data go under the new keys at once.
    newcomer = application_register(queue=queue, full_name="Новиков Н.", iin="600104306901")
    with pytest.raises(InvalidToken):
        personal._fernets((KEY_A,))[0].decrypt(newcomer.iin_encrypted.encode())

    out = io.StringIO()
    call_command("personal_data_rotate", "--batch-size", "2", stdout=out)
    report = out.getvalue()
    assert "queues.Application.iin_encrypted: 3 rows, 2 re-encrypted, 2 re-hashed" in report
    assert "appeals.Appeal.applicant_iin_encrypted: 1 rows, 1 re-encrypted, 1 re-hashed" in report

    # Only the new keys now: everything reads, every look-up finds.
    keys.RGIS_PERSONAL_ENCRYPTION_KEYS = [ENCRYPT_B]
    keys.RGIS_PERSONAL_LOOKUP_KEYS = [LOOKUP_B]
    for application, iin in zip(applications, PEOPLE, strict=True):
        stored = Application.objects.get(pk=application.pk)
        assert personal.personal_decrypt_or_fail(stored.iin_encrypted) == iin
        assert stored.iin_digest == personal.iin_digest(iin)
        assert stored.iin_digest != application.iin_digest  # re-hashed under B
        assert _found_by_iin(client, iin) == [application.number]
    stored_appeal = Appeal.objects.get(pk=appeal.pk)
    assert personal.personal_decrypt_or_fail(stored_appeal.applicant_iin_encrypted) == PEOPLE[1]
    assert stored_appeal.applicant_iin_digest == personal.iin_digest(PEOPLE[1])

    # The ledger: intact, and the same person keeps the same published pseudonym.
    application_verify(application=applications[0], actor=None)
    assert _applicants(applications[0]) == pseudonyms[0]
    assert pseudonyms[0] == {personal.ledger_pseudonym(PEOPLE[0])}
    assert _verify()

    again = io.StringIO()
    call_command("personal_data_rotate", stdout=again)
    assert "0 re-encrypted, 0 re-hashed" in again.getvalue()


def test_the_ledger_key_stays_the_original_one(keys):
    """Existing chains name people by the original key's hash; new entries must too."""
    before = personal.ledger_pseudonym(PEOPLE[0])
    keys.RGIS_PERSONAL_LOOKUP_KEYS = [LOOKUP_B, KEY_A]
    assert personal.ledger_pseudonym(PEOPLE[0]) == before
    assert personal.iin_digest(PEOPLE[0]) != before
    # The single original key as the one look-up key matches what it always made.
    assert personal.iin_digests(PEOPLE[0])[1] == before


def test_a_value_no_key_reads_is_reported_and_left(keys):
    queue, applications, _appeal = _written_under_a()
    keys.RGIS_PERSONAL_ENCRYPTION_KEYS = [ENCRYPT_B]  # A forgotten: nothing old reads
    keys.RGIS_PERSONAL_LOOKUP_KEYS = [LOOKUP_B]

    with pytest.raises(CommandError, match="not under the newest keys"):
        call_command("personal_data_rotate", stdout=io.StringIO())
    assert Application.objects.get(pk=applications[0].pk).iin_encrypted == (
        applications[0].iin_encrypted
    )


@pytest.mark.django_db(transaction=True)
def test_rotation_skips_rows_a_request_holds_and_a_second_run_finishes(keys):
    """A row locked by a running request is not waited for: counted busy, done next run."""
    import psycopg2
    from django.db import connection

    _queue, applications, _appeal = _written_under_a(with_appeal=False)
    keys.RGIS_PERSONAL_ENCRYPTION_KEYS = [ENCRYPT_B, KEY_A]
    keys.RGIS_PERSONAL_LOOKUP_KEYS = [LOOKUP_B, KEY_A]
    params = connection.get_connection_params()
    request = psycopg2.connect(
        dbname=params["dbname"],
        user=params.get("user"),
        password=params.get("password"),
        host=params.get("host"),
        port=params.get("port"),
    )
    try:
        with request.cursor() as cursor:  # an officer's service holding the row
            cursor.execute(
                "SELECT id FROM queues_application WHERE id = %s FOR UPDATE",
                [applications[0].pk],
            )
        out = io.StringIO()
        with pytest.raises(CommandError, match="run the command again"):
            call_command("personal_data_rotate", stdout=out)
        assert "1 busy" in out.getvalue()
        held = Application.objects.get(pk=applications[0].pk)
        assert held.iin_digest == applications[0].iin_digest  # untouched while held
    finally:
        request.rollback()
        request.close()

    call_command("personal_data_rotate", stdout=io.StringIO())
    keys.RGIS_PERSONAL_ENCRYPTION_KEYS = [ENCRYPT_B]
    keys.RGIS_PERSONAL_LOOKUP_KEYS = [LOOKUP_B]
    held = Application.objects.get(pk=applications[0].pk)
    assert personal.personal_decrypt_or_fail(held.iin_encrypted) == PEOPLE[0]
    assert held.iin_digest == personal.iin_digest(PEOPLE[0])
