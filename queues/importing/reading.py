"""Reading a register file: CSV (UTF-8 or Windows-1251, any common delimiter) or XLSX, its
header recognised in Russian, Kazakh or English."""

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from queues.errors import QueueRefusal
from queues.importing.report import ImportReport

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
    """One data row of the file: its line number and its cells by column."""

    line: int
    values: dict[str, Any]


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
    # Imported here for start-up time: only an XLSX upload needs openpyxl.
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
