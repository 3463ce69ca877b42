"""Checking a register's rows: each on its own (number, name, IIN, date, e-mail), then all
of them against the database and each other (numbers used, people already waiting or
already given a plot for this purpose)."""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from queues.importing.reading import RegisterRow
from queues.importing.report import ImportReport, RefusedRow
from queues.models import Application, Queue
from rgis.personal import InvalidIIN, iin_digest, iin_digests, iin_validate

BATCH_SIZE = 5000
REFUSED_ROWS_KEPT = 1000  # rows listed in a report; the counts are always complete
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


@dataclass
class AcceptedRow:
    """A row that passed its own checks, with the IIN validated and hashed."""

    line: int
    number: str
    full_name: str
    iin: str
    digest: str
    filed_at: datetime.datetime
    email: str
    phone: str


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


def _row_check(row: RegisterRow, now: datetime.datetime) -> tuple[AcceptedRow | None, list[str]]:
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
    accepted = AcceptedRow(
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


def _database_conflicts(
    queue: Queue, rows: list[AcceptedRow]
) -> tuple[set[str], set[str], set[str]]:
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


def register_check(
    queue: Queue, rows: Iterable[RegisterRow], report: ImportReport
) -> list[AcceptedRow]:
    """The rows that pass every check; the report counts them and lists the refused."""
    now = timezone.now()
    candidates: list[AcceptedRow] = []
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
