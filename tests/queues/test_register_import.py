import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import Workbook

from queues.errors import QueueRefusal
from queues.importing.core import register_import
from queues.models import Application, LedgerEntry
from queues.selectors.positions import application_position
from queues.services.applications import application_register, application_verify
from queues.services.offers import offer_accept, offer_to_head
from staff.models import AuditEntry
from tests.queues.factories import ParcelFactory, iin_make

pytestmark = pytest.mark.django_db

HEADER_RU = ["Номер", "ФИО", "ИИН", "Дата подачи", "E-mail", "Телефон"]
HEADER_KK = ["Өтініш нөмірі", "Аты-жөні", "ЖСН", "Берілген күні", "Электрондық пошта", "Телефон"]


def _rows():
    """Six good rows (filed out of order in the file) and six refused, each for one reason."""
    future = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%d.%m.%Y %H:%M")
    return [
        ["R-0003", "Сейтқали Айгерім", iin_make(3), "03.02.2015 09:00", "", ""],
        ["R-0001", "Ахметов Болат Тимурович", iin_make(1), "12.01.2015 10:30", "a@example.kz", ""],
        ["R-0002", "Иванова Мария", iin_make(2), "2015-01-20 11:00", "", "+7 701 000 00 00"],
        ["R-0004", "Нұрланұлы Асқар", iin_make(4), "01.03.2015", "", ""],
        ["R-0005", "Omarova Dana", "061211600012", "05.03.2015 08:00", "", ""],
        ["R-0006", "Жақсылықов Ерлан", iin_make(6), "06.03.2015 08:00", "", ""],
        # Refused: bad check digit, bad date, future date, duplicate number in the file,
        # the same person twice in the file, an IIN of a person already given a plot.
        ["R-0101", "Қате ЖСН", "791028302729", "01.04.2015", "", ""],
        ["R-0102", "Қате күн", iin_make(102), "31.02.2015", "", ""],
        ["R-0103", "Болашақ", iin_make(103), future, "", ""],
        ["R-0001", "Қайталанған нөмір", iin_make(104), "01.05.2015", "", ""],
        ["R-0105", "Ахметов Болат Тимурович", iin_make(1), "01.06.2015", "", ""],
        ["R-0106", "Алған адам", iin_make(106), "01.07.2015", "", ""],
    ]


def _csv_bytes(header, rows, delimiter=";", encoding="utf-8-sig"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def _xlsx_bytes(header, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def allocated_person(queue):
    """The person of line 13 already received a plot for this purpose."""
    application = application_register(
        queue=queue,
        full_name="Алған адам",
        iin=iin_make(106),
        filed_at=timezone.now() - datetime.timedelta(days=5000),
    )
    application_verify(application=application, actor=None)
    offer_accept(offer=offer_to_head(queue=queue, parcel=ParcelFactory(), actor=None), actor=None)
    return application


def _reasons_by_line(report):
    return {row.line: " ".join(row.reasons) for row in report.refused}


def _assert_refusals(report):
    reasons = _reasons_by_line(report)
    assert sorted(reasons) == [8, 9, 10, 11, 12, 13]
    assert "check digit does not match" in reasons[8]
    assert "not a date" in reasons[9]
    assert "in the future" in reasons[10]
    assert "same number is on line 3" in reasons[11]
    assert "same person (IIN) is on line 3" in reasons[12]
    assert "already received a plot" in reasons[13]


def test_a_dry_run_reports_refused_rows_and_keeps_nothing(queue, allocated_person):
    before = LedgerEntry.objects.count()
    report = register_import(
        queue=queue, data=_csv_bytes(HEADER_RU, _rows()), filename="реестр.csv", actor=None
    )
    assert (report.rows, report.accepted, report.refused_count) == (12, 6, 6)
    assert not report.committed
    _assert_refusals(report)
    assert Application.objects.count() == 1
    assert LedgerEntry.objects.count() == before


def test_a_confirmed_csv_import_writes_accepted_rows_in_filing_order(queue, allocated_person):
    data = _csv_bytes(HEADER_RU, _rows())
    report = register_import(queue=queue, data=data, filename="реестр.csv", actor=None, commit=True)

    assert report.committed and report.accepted == 6
    waiting = Application.objects.filter(queue=queue, status="waiting")
    assert waiting.count() == 6
    first = waiting.get(number="R-0001")
    assert first.full_name == "Ахметов Болат Тимурович"
    assert first.email == "a@example.kz"
    assert timezone.localtime(first.filed_at).strftime("%d.%m.%Y %H:%M") == "12.01.2015 10:30"
    assert application_position(first) == 1
    assert application_position(waiting.get(number="R-0003")) == 3
    # A leading zero survives (IIN of someone born in the 2000s).
    assert waiting.get(number="R-0005").iin_digest
    registered = LedgerEntry.objects.filter(queue=queue, details__source="import").order_by(
        "sequence"
    )
    assert [e.application_number for e in registered] == [
        "R-0001", "R-0002", "R-0003", "R-0004", "R-0005", "R-0006",
    ]  # fmt: skip
    assert AuditEntry.objects.get(action="queues.register.import").after["accepted"] == 6
    # The same file again: every row is now a duplicate, nothing is imported twice.
    again = register_import(queue=queue, data=data, filename="реестр.csv", actor=None, commit=True)
    assert again.accepted == 0
    assert "already exists" in _reasons_by_line(again)[2]


def test_an_xlsx_with_kazakh_headers_and_numeric_iins_imports(queue, allocated_person):
    rows = _rows()
    rows[4][2] = int(rows[4][2])  # Excel turned the IIN into a number: 61211600012
    rows[0][3] = datetime.datetime(2015, 2, 3, 9, 0)  # a real date cell
    report = register_import(
        queue=queue,
        data=_xlsx_bytes(HEADER_KK, rows),
        filename="тізім.xlsx",
        actor=None,
        commit=True,
    )
    assert report.accepted == 6, report.refused
    _assert_refusals(report)
    assert Application.objects.filter(number="R-0005", status="waiting").exists()


def test_a_file_without_the_needed_columns_is_refused(queue):
    with pytest.raises(QueueRefusal, match="no column for: IIN"):
        register_import(
            queue=queue,
            data=_csv_bytes(["Номер", "ФИО", "Дата подачи"], [["1", "А", "01.01.2015"]]),
            filename="r.csv",
            actor=None,
        )
    with pytest.raises(QueueRefusal, match="CSV or an XLSX"):
        register_import(queue=queue, data=b"hello", filename="r.pdf", actor=None)


def test_the_command_runs_dry_then_commits_a_windows_1251_csv(queue, tmp_path):
    rows = [_rows()[index] for index in (1, 2, 4, 6)]
    rows[3][1] = "Ошибочный ИИН"  # cp1251 has no Kazakh letters
    path = tmp_path / "register.csv"
    path.write_bytes(_csv_bytes(HEADER_RU, rows, delimiter=",", encoding="cp1251"))
    out = io.StringIO()
    call_command("queue_import", queue.slug, str(path), stdout=out)
    assert "line 5 (R-0101): IIN: This IIN has a typing error" in out.getvalue()
    assert "accepted: 3 would be imported (dry run)" in out.getvalue()
    assert Application.objects.count() == 0

    out = io.StringIO()
    call_command("queue_import", queue.slug, str(path), "--commit", stdout=out)
    assert "accepted: 3 imported" in out.getvalue()
    assert Application.objects.get(number="R-0002").full_name == "Иванова Мария"
    with pytest.raises(CommandError, match="No queue"):
        call_command("queue_import", "nope", str(path))


def test_an_unexpected_database_error_leaves_nothing_behind(queue):
    from django.db import DatabaseError, connection

    # A real failure in the database half-way through the file (no mock): a trigger that
    # refuses one row, as a disk or a constraint added by someone else would.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION test_refuse_r0004() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.number = 'R-0004' THEN RAISE EXCEPTION 'disk on fire'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER test_refuse_r0004 BEFORE INSERT ON queues_application
                FOR EACH ROW EXECUTE FUNCTION test_refuse_r0004();
            """
        )
    entries_before = LedgerEntry.objects.count()
    with pytest.raises(DatabaseError, match="disk on fire"):
        register_import(
            queue=queue,
            data=_csv_bytes(HEADER_RU, _rows()[:6]),
            filename="r.csv",
            actor=None,
            commit=True,
        )
    assert Application.objects.count() == 0
    assert LedgerEntry.objects.count() == entries_before
    assert not AuditEntry.objects.filter(action="queues.register.import").exists()


def test_the_command_with_an_officers_name_imports_a_pending_batch(queue, tmp_path):
    from tests.factories import StaffUserFactory

    officer = StaffUserFactory(role="queue_officer")
    rows = [_rows()[index] for index in (1, 2)]
    path = tmp_path / "register.csv"
    path.write_bytes(_csv_bytes(HEADER_RU, rows, delimiter=",", encoding="cp1251"))
    args = ("queue_import", queue.slug, str(path), "--commit", "--user", officer.username)
    with pytest.raises(CommandError, match="Give the number and date of the register"):
        call_command(*args, stdout=io.StringIO())
    assert Application.objects.count() == 0

    out = io.StringIO()
    call_command(
        *args,
        "--document=АРХ-7",
        "--document-date=2015-12-31",
        "--reason=paper register",
        stdout=out,
    )
    assert "pending a second officer's approval" in out.getvalue()
    assert set(Application.objects.values_list("status", flat=True)) == {"pending"}
