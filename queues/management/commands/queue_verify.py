import itertools
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from queues.ledger import queue_chain_check
from queues.ledger_check import ChainReport, entries_from_lines
from queues.models import Queue
from queues.verify import operator_language


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
        self.verbosity = int(options["verbosity"])  # type: ignore[call-overload]
        with translation.override(operator_language(options["language"])):
            reports = self._check(options)
            for report in reports:
                self._report_write(report)
            broken = [report for report in reports if not report.intact]
            if broken:
                raise CommandError(
                    _("%(broken)s of %(all)s ledgers checked are NOT intact.")
                    % {"broken": len(broken), "all": len(reports)},
                    returncode=1,
                )

    def _queue(self, code: str) -> Queue:
        queue = Queue.objects.filter(slug=code).first()
        if queue is None:
            raise CommandError(_("No queue with the code %(code)s.") % {"code": code})
        return queue

    def _check(self, options: dict[str, object]) -> list[ChainReport]:
        code = str(options["queue"] or "")
        path = options["from_file"]
        if path is None:
            queues = [self._queue(code)] if code else list(Queue.objects.order_by("slug"))
            return [queue_chain_check(queue) for queue in queues]
        assert isinstance(path, Path)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        with path.open(encoding="utf-8") as lines:
            entries = entries_from_lines(lines)
            try:
                first = next(entries, None)
                queue = self._queue(code or str(first["queue"] if first else ""))
                if first is not None and first["queue"] != queue.slug:
                    raise CommandError(
                        _("The file holds the ledger of %(file)s, not of %(queue)s.")
                        % {"file": first["queue"], "queue": queue.slug}
                    )
                head = [first] if first is not None else []
                return [queue_chain_check(queue, entries=itertools.chain(head, entries))]
            except ValueError as error:
                raise CommandError(
                    _("%(path)s is not a ledger download: %(error)s")
                    % {"path": path, "error": error}
                ) from None

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
