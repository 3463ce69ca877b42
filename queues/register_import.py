"""Bulk import of an existing queue register (CSV or XLSX) with a report of refused rows.

One core, three doors: the officers' import page, `manage.py queue_import` and the tests.

The flow is report-then-confirm. A dry run reads the whole file and reports every refused
row and why (bad IIN with the validator's message, a number already used, a person already
waiting in this queue or already given a plot for this purpose, a bad or future date).
The officer then confirms, and the accepted rows are imported while the refused ones are
left out, to be fixed and imported from a second file: one wrong IIN in a register of
100,000 must not hold back the other 99,999, and a row imported later still takes its
place by its own filing time. The confirmed import checks everything again inside one
transaction (the queue may have changed since the preview) and writes all accepted rows
and their ledger entries there: an unexpected error leaves nothing behind.

Speed: a row is never a service call. Applications go in with bulk_create in batches, the
database checks run per batch of IINs and numbers, and the "registered" ledger events are
appended with ledger_append_many, in filing order.
"""

import csv
import datetime
import hashlib
import io
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from queues.errors import QueueRefusal
from queues.ledger import LedgerEvent, timestamp_text
from queues.models import Application, LedgerEntry, Queue
from queues.services.applications import registration_day_start
from queues.services.ledger import ledger_append_many
from queues.services.transitions import (
    actor_user,
    application_refusal_from,
    queue_audit,
    queue_lock,
)
from rgis.actors import Actor
from rgis.personal import (
    InvalidIIN,
    iin_digest,
    iin_digests,
    iin_validate,
    ledger_pseudonym,
    personal_encrypt,
)

BATCH_SIZE = 5000
REFUSED_ROWS_KEPT = 1000  # rows listed in a report; the counts are always complete
MAX_FILE_BYTES = 100 * 1024 * 1024

# Header names met in registers kept in Russian, Kazakh or English, compared after
# lower-casing and dropping spaces and punctuation (so "Ф.И.О." is "фио").
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "number": (
        "номер", "№", "номерзаявления", "номерочереди", "регистрационныйномер",
        "нөмір", "өтінішнөмірі", "кезекнөмірі", "тіркеунөмірі",
        "number", "no", "applicationnumber",
    ),
    "full_name": (
        "фио", "фамилияимяотчество", "заявитель", "атыжөні", "толықатыжөні", "тегіатыәкесініңаты",
        "fullname", "name", "applicant",
    ),
    "iin": ("иин", "иинзаявителя", "жсн", "iin"),
    "filed_at": (
        "датаподачи", "датаивремяподачи", "датавремяподачи", "датаподачизаявления",
        "датарегистрации", "берілгенкүні", "өтінішберілгенкүні", "тапсырылғанкүні",
        "тіркелгенкүні", "filingdate", "filingdatetime", "filedat", "filed", "date",
    ),
    "email": ("email", "элпочта", "электроннаяпочта", "электрондықпошта", "mail"),
    "phone": ("телефон", "тел", "номертелефона", "телефоннөмірі", "phone", "mobile"),
}  # fmt: skip
REQUIRED_COLUMNS = ("number", "full_name", "iin", "filed_at")
DATE_FORMATS = (
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
)


def _column_label(name: str) -> str:
    return {
        "number": _("application number"),
        "full_name": _("full name"),
        "iin": _("IIN"),
        "filed_at": _("filing date"),
        "email": _("e-mail"),
        "phone": _("phone"),
    }[name]


def header_key(text: Any) -> str:
    """A header cell as compared with COLUMN_NAMES."""
    return re.sub(r"[^\w№]+", "", str(text or "").lower().replace("ё", "е")).replace("_", "")


_HEADER_INDEX = {name: column for column, names in COLUMN_NAMES.items() for name in names}


@dataclass
class RegisterRow:
    line: int
    values: dict[str, Any]


@dataclass
class RefusedRow:
    line: int
    number: str
    reasons: list[str]


@dataclass
class ImportReport:
    """What an import found (dry run) or did (committed); no personal data in it."""

    filename: str
    sha256: str
    columns: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    accepted: int = 0
    refused_count: int = 0
    refused: list[RefusedRow] = field(default_factory=list)
    committed: bool = False
    # The pending batch a second officer approves as a whole (imported by an officer).
    batch: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ImportReport":
        refused = [RefusedRow(**row) for row in data.get("refused", [])]
        return cls(**{**data, "refused": refused})


@dataclass
class _Accepted:
    line: int
    number: str
    full_name: str
    iin: str
    digest: str
    filed_at: datetime.datetime
    email: str
    phone: str


# Reading the file -----------------------------------------------------------------------


def _header_map(cells: Iterable[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        column = _HEADER_INDEX.get(header_key(cell))
        if column and column not in found:
            found[column] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in found]
    if missing:
        raise QueueRefusal(
            _(
                "The file has no column for: %(columns)s. The first row must name the columns, "
                'e.g. "Номер", "ФИО", "ИИН", "Дата подачи", "E-mail", "Телефон".'
            )
            % {"columns": ", ".join(_column_label(name) for name in missing)}
        )
    return found


def _rows_from(
    table: Iterator[tuple[int, list[Any]]], report: ImportReport
) -> Iterator[RegisterRow]:
    header: dict[str, int] | None = None
    for line, cells in table:
        if not any(str(cell or "").strip() for cell in cells):
            continue
        if header is None:
            header = _header_map(cells)
            report.columns = {name: str(cells[index]) for name, index in header.items()}
            continue
        yield RegisterRow(
            line=line,
            values={
                name: cells[index] if index < len(cells) else None for name, index in header.items()
            },
        )
    if header is None:
        raise QueueRefusal(_("The file is empty."))


def _csv_table(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1251 decodes nearly any byte string
        raise QueueRefusal(_("The CSV file is neither UTF-8 nor Windows-1251 text."))
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    for line, cells in enumerate(reader, start=1):
        yield line, list(cells)


def _xlsx_table(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as error:
        raise QueueRefusal(_("The file is not a readable XLSX workbook.")) from error
    try:
        sheet = workbook.worksheets[0]
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, list(cells)
    finally:
        workbook.close()


def register_rows(data: bytes, filename: str, report: ImportReport) -> Iterator[RegisterRow]:
    """The data rows of a CSV or XLSX register, with the header recognised."""
    if len(data) > MAX_FILE_BYTES:
        raise QueueRefusal(_("The file is larger than 100 MB: split it into several files."))
    name = filename.lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        table = _xlsx_table(data)
    elif name.endswith((".csv", ".txt")):
        table = _csv_table(data)
    else:
        raise QueueRefusal(_("Send the register as a CSV or an XLSX file."))
    return _rows_from(table, report)


# Checking rows --------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _iin_text(value: Any) -> str:
    # Spreadsheets store an IIN typed as a number without its leading zero (2000s births).
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{int(value):012d}"
    return _text(value)


def filed_at_parse(value: Any) -> datetime.datetime | None:
    """A filing date-time from a cell (a datetime, or text in a common format)."""
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time())
    else:
        text = _text(value)
        for pattern in DATE_FORMATS:
            try:
                moment = datetime.datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            try:
                moment = datetime.datetime.fromisoformat(text)
            except ValueError:
                return None
    if timezone.is_naive(moment):
        # Registers are kept in local time (Asia/Almaty, the TIME_ZONE setting).
        moment = timezone.make_aware(moment)
    return moment


def _row_check(row: RegisterRow, now: datetime.datetime) -> tuple[_Accepted | None, list[str]]:
    values = row.values
    reasons = []
    number = _text(values.get("number"))
    if not number:
        reasons.append(_("No application number."))
    elif len(number) > 40:
        reasons.append(_("The application number is longer than 40 characters."))
    full_name = _text(values.get("full_name"))
    if not full_name:
        reasons.append(_("No full name."))
    elif len(full_name) > 300:
        reasons.append(_("The full name is longer than 300 characters."))
    iin = ""
    try:
        iin = iin_validate(_iin_text(values.get("iin")))
    except InvalidIIN as error:
        reasons.append(_("IIN: %(message)s") % {"message": " ".join(error.messages)})
    filed = filed_at_parse(values.get("filed_at"))
    if filed is None:
        reasons.append(
            _("The filing date is not a date (write e.g. 15.03.2019 10:30 or 2019-03-15 10:30).")
        )
    elif filed > now:
        reasons.append(_("The filing date is in the future."))
    email = _text(values.get("email"))
    if email:
        try:
            validate_email(email)
            if len(email) > 254:
                raise ValidationError("too long")
        except ValidationError:
            reasons.append(_("The e-mail address is not valid."))
    phone = _text(values.get("phone"))[:40]
    if reasons or filed is None:
        return None, reasons
    accepted = _Accepted(
        line=row.line,
        number=number,
        full_name=full_name,
        iin=iin,
        digest=iin_digest(iin),
        filed_at=filed,
        email=email,
        phone=phone,
    )
    return accepted, []


def _in_batches(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


def _database_conflicts(queue: Queue, rows: list[_Accepted]) -> tuple[set[str], set[str], set[str]]:
    """Numbers already used, people already live in this queue, people already given a plot."""
    numbers = [row.number for row in rows]
    # Every look-up key's hash of each person, mapped to the newest one the rows carry:
    # rows not yet re-hashed by personal_data_rotate carry an older key's.
    newest_of = {digest: row.digest for row in rows for digest in iin_digests(row.iin)}
    digests = list(newest_of)
    used: set[str] = set()
    for batch in _in_batches(numbers):
        used.update(Application.objects.filter(number__in=batch).values_list("number", flat=True))
    live: set[str] = set()
    received: set[str] = set()
    for batch in _in_batches(digests):
        live.update(
            newest_of[digest]
            for digest in Application.objects.filter(
                queue=queue, status__in=Application.LIVE_STATUSES, iin_digest__in=batch
            ).values_list("iin_digest", flat=True)
        )
        received.update(
            newest_of[digest]
            for digest in Application.objects.filter(
                purpose_id=queue.purpose_id,
                status=Application.Status.ALLOCATED,
                iin_digest__in=batch,
            ).values_list("iin_digest", flat=True)
        )
    return used, live, received


def _register_check(
    queue: Queue, rows: Iterable[RegisterRow], report: ImportReport
) -> list[_Accepted]:
    now = timezone.now()
    candidates: list[_Accepted] = []
    refused: dict[int, RefusedRow] = {}
    for row in rows:
        report.rows += 1
        accepted, reasons = _row_check(row, now)
        if accepted is None:
            refused[row.line] = RefusedRow(row.line, _text(row.values.get("number")), reasons)
        else:
            candidates.append(accepted)
    used, live, received = _database_conflicts(queue, candidates)
    seen_numbers: dict[str, int] = {}
    seen_people: dict[str, int] = {}
    accepted_rows = []
    for candidate in candidates:
        reasons = []
        if candidate.number in used:
            reasons.append(_("An application with this number already exists."))
        elif candidate.number in seen_numbers:
            reasons.append(
                _("The same number is on line %(line)d of the file.")
                % {"line": seen_numbers[candidate.number]}
            )
        if candidate.digest in received:
            reasons.append(
                _("This person has already received a plot for this purpose (once in a lifetime).")
            )
        elif candidate.digest in live:
            reasons.append(_("This person already has a live application in this queue."))
        elif candidate.digest in seen_people:
            reasons.append(
                _("The same person (IIN) is on line %(line)d of the file.")
                % {"line": seen_people[candidate.digest]}
            )
        seen_numbers.setdefault(candidate.number, candidate.line)
        seen_people.setdefault(candidate.digest, candidate.line)
        if reasons:
            refused[candidate.line] = RefusedRow(candidate.line, candidate.number, reasons)
        else:
            accepted_rows.append(candidate)
    report.accepted = len(accepted_rows)
    report.refused_count = len(refused)
    report.refused = [refused[line] for line in sorted(refused)][:REFUSED_ROWS_KEPT]
    return accepted_rows


# Writing --------------------------------------------------------------------------------


@dataclass
class _Backdating:
    """The archive register an officer's import follows; a second officer approves it."""

    registrar: Any
    batch: str
    document: str
    document_date: datetime.date
    reason: str


def _register_write(queue: Queue, rows: list[_Accepted], backdating: _Backdating | None) -> None:
    now = timezone.now()
    day_start = registration_day_start(now)
    status = Application.Status.PENDING if backdating else Application.Status.WAITING
    rows.sort(key=lambda row: (row.filed_at, row.number))
    for start in range(0, len(rows), BATCH_SIZE):
        Application.objects.bulk_create(
            [
                Application(
                    queue=queue,
                    purpose_id=queue.purpose_id,
                    number=row.number,
                    filed_at=row.filed_at,
                    status=status,
                    status_changed_at=now,
                    full_name=row.full_name,
                    iin_encrypted=personal_encrypt(row.iin),
                    iin_digest=row.digest,
                    email=row.email,
                    phone=row.phone,
                    backdated=row.filed_at < day_start,
                    **(
                        {
                            "registered_by": backdating.registrar,
                            "backdate_batch": backdating.batch,
                            "backdate_document": backdating.document,
                            "backdate_document_date": backdating.document_date,
                            "backdate_reason": backdating.reason,
                        }
                        if backdating
                        else {}
                    ),
                )
                for row in rows[start : start + BATCH_SIZE]
            ]
        )
    extra: dict[str, Any] = {}
    if backdating:
        extra = {
            "batch": backdating.batch,
            "document": backdating.document,
            "document_date": backdating.document_date.isoformat(),
            "registered_by": backdating.registrar.pk,
        }
    ledger_append_many(
        queue=queue,
        events=[
            LedgerEvent(
                LedgerEntry.Event.REGISTERED,
                row.number,
                ledger_pseudonym(row.iin),
                {
                    "filed_at": timestamp_text(row.filed_at),
                    "status": status,
                    "source": "import",
                    **extra,
                },
            )
            for row in rows
        ],
        at=now,
    )


def register_import(
    *,
    queue: Queue,
    data: bytes,
    filename: str,
    actor: Actor,
    commit: bool = False,
    backdate_document: str = "",
    backdate_document_date: datetime.date | None = None,
    backdate_reason: str = "",
) -> ImportReport:
    """Check a register file (dry run) or import its accepted rows (commit=True).

    Imported by an officer (the web door), the rows are one pending batch, with the archive
    register's number, date and the reason, until a second officer approves the batch as a
    whole (register_batch_decide). The operator's command imports them straight away.
    """
    report = ImportReport(filename=filename[:200], sha256=hashlib.sha256(data).hexdigest())
    if not commit:
        _register_check(queue, register_rows(data, filename, report), report)
        return report
    backdating = None
    registrar = actor_user(actor)
    if registrar is not None:
        document = " ".join(backdate_document.split())[:100]
        reason = " ".join(backdate_reason.split())
        if not document or backdate_document_date is None or not reason:
            raise QueueRefusal(
                _(
                    "Give the number and date of the register or archive record the file "
                    "follows, and the reason: a second officer approves the import."
                )
            )
        backdating = _Backdating(
            registrar=registrar,
            batch=uuid.uuid4().hex,
            document=document,
            document_date=backdate_document_date,
            reason=reason,
        )
    try:
        with transaction.atomic():
            locked = queue_lock(queue)
            rows = _register_check(locked, register_rows(data, filename, report), report)
            if rows:
                _register_write(locked, rows, backdating)
            queue_audit(
                actor=actor,
                action="queues.register.import",
                instance=locked,
                after={
                    "file": report.filename,
                    "sha256": report.sha256,
                    "rows": report.rows,
                    "accepted": report.accepted,
                    "refused": report.refused_count,
                    "batch": backdating.batch if backdating else "",
                },
            )
    except IntegrityError as error:
        # Someone registered the same person or number while the file was being written.
        refusal = application_refusal_from(error)
        if refusal is None:
            raise
        raise QueueRefusal(
            _("The queue changed during the import (%(rule)s) Nothing was imported: try again.")
            % {"rule": refusal}
        ) from None
    report.committed = True
    report.batch = backdating.batch if backdating else ""
    return report
