from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from queues.ledger_report import ChainReport
from queues.management.language import operator_language
from queues.selectors.verification import queue_chain_reports
from rgis.errors import Refusal


class Command(BaseCommand):
    help = (
        "Recompute the hash chain of a queue's ledger (every queue without an argument) "
        "from the database, or from a downloaded ledger.jsonl with --from-file, and report "
        "every entry changed, removed or moved and every published root the chain no longer "
        "extends. Exit code 0 only when everything is intact."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("queue", nargs="?", help="queue code, e.g. taraz-izhs")
        parser.add_argument(
            "--from-file",
            type=Path,
            help="a ledger downloaded from /api/queues/<queue>/ledger.jsonl",
        )
        parser.add_argument("--language", help="kk, ru or en (default: from LANG)")

    def handle(self, *args: object, **options: object) -> None:
        self.verbosity = int(str(options["verbosity"]))
        path = options["from_file"]
        assert path is None or isinstance(path, Path)
        with translation.override(operator_language(options["language"])):
            try:
                reports = queue_chain_reports(code=str(options["queue"] or ""), path=path)
            except Refusal as refusal:
                raise CommandError(str(refusal)) from None
            for report in reports:
                self._report_write(report)
            broken = [report for report in reports if not report.intact]
            if broken:
                raise CommandError(
                    _("%(broken)s of %(all)s ledgers checked are NOT intact.")
                    % {"broken": len(broken), "all": len(reports)},
                    returncode=1,
                )

    def _report_write(self, report: ChainReport) -> None:
        for problem in report.problems:
            self.stdout.write(f"  {report.queue} #{problem.sequence}: {problem.message}")
        if report.problems_unlisted:
            self.stdout.write(
                "  " + _("... and %(count)s more problems") % {"count": report.problems_unlisted}
            )
        for root in report.roots:
            if not root.extended or self.verbosity > 1:
                self.stdout.write(
                    "  "
                    + _("%(queue)s root of %(day)s (entry %(sequence)s): %(message)s")
                    % {
                        "queue": report.queue,
                        "day": root.day,
                        "sequence": root.sequence,
                        "message": root.message,
                    }
                )
        style = self.style.SUCCESS if report.intact else self.style.ERROR
        self.stdout.write(style(report.summary()))
