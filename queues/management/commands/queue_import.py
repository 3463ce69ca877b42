import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from queues.importing.core import register_import
from queues.importing.report import ImportReport
from queues.selectors.queues import queue_get
from queues.selectors.staff import staff_user_get
from rgis.errors import Refusal


class Command(BaseCommand):
    help = (
        "Import an existing queue register from a CSV or XLSX file (columns: number, full "
        "name, IIN, filing date-time, e-mail, phone; Russian, Kazakh or English headers). "
        "Without --commit it is a dry run: the report of refused rows, nothing kept. With "
        "--commit the accepted rows are imported in one transaction and refused rows left out."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("queue", help="queue code, e.g. taraz-izhs")
        parser.add_argument("path", type=Path)
        parser.add_argument("--commit", action="store_true", help="import the accepted rows")
        parser.add_argument(
            "--user",
            help="staff user name to record; the import is then a pending batch that a second "
            "officer approves on the staff pages (give --document, --document-date, --reason)",
        )
        parser.add_argument("--document", default="", help="register or archive record number")
        parser.add_argument(
            "--document-date", type=datetime.date.fromisoformat, help="its date, YYYY-MM-DD"
        )
        parser.add_argument("--reason", default="", help="why these applications enter now")

    def handle(self, *args: object, **options: object) -> None:
        queue = queue_get(str(options["queue"]))
        if queue is None:
            raise CommandError(f"No queue with the code {options['queue']}.")
        path = options["path"]
        assert isinstance(path, Path)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        user = None
        if options["user"]:
            user = staff_user_get(str(options["user"]))
            if user is None:
                raise CommandError(f"No user named {options['user']}.")
        document_date = options["document_date"]
        assert document_date is None or isinstance(document_date, datetime.date)
        try:
            report = register_import(
                queue=queue,
                data=path.read_bytes(),
                filename=path.name,
                actor=user,
                commit=bool(options["commit"]),
                backdate_document=str(options["document"]),
                backdate_document_date=document_date,
                backdate_reason=str(options["reason"]),
            )
        except Refusal as refusal:
            raise CommandError(str(refusal)) from None
        self._report_write(report)

    def _report_write(self, report: ImportReport) -> None:
        for row in report.refused:
            self.stdout.write(f"line {row.line} ({row.number or '-'}): {' '.join(row.reasons)}")
        if report.refused_count > len(report.refused):
            self.stdout.write(f"... and {report.refused_count - len(report.refused)} more")
        verdict = "imported" if report.committed else "would be imported (dry run)"
        if report.batch:
            verdict += f", pending a second officer's approval (batch {report.batch})"
        self.stdout.write(
            f"Rows: {report.rows}; accepted: {report.accepted} {verdict}; "
            f"refused: {report.refused_count}."
        )
