import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from queues.management.language import operator_language
from queues.services.roots import RootsPublished, ledger_roots_publish
from rgis.errors import Refusal


class Command(BaseCommand):
    help = (
        "Publish each queue's daily ledger root: the head of its chain at the end of a day "
        "(yesterday by default). A day already published is left alone, so running it every "
        "hour is safe; docker/compose.yml's scheduler service does."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="the day to publish, YYYY-MM-DD (default: yesterday)")
        parser.add_argument("--queue", action="append", help="queue code (default: every queue)")
        parser.add_argument("--language", help="kk, ru or en (default: from LANG)")

    def handle(self, *args: object, **options: object) -> None:
        with translation.override(operator_language(options["language"])):
            day = None
            if options["day"]:
                try:
                    day = datetime.date.fromisoformat(str(options["day"]))
                except ValueError:
                    raise CommandError(_("Give the day as YYYY-MM-DD.")) from None
            codes = options["queue"]
            assert codes is None or isinstance(codes, list)
            try:
                outcome = ledger_roots_publish(day=day, queue_codes=codes)
            except Refusal as refusal:
                raise CommandError(str(refusal)) from None
            self._outcome_write(outcome)

    def _outcome_write(self, outcome: RootsPublished) -> None:
        values = {"day": outcome.day.isoformat()}
        for root in outcome.published:
            self.stdout.write(
                _("%(queue)s %(day)s: root published, entry %(sequence)s %(hash)s")
                % dict(values, queue=root.queue.slug, sequence=root.sequence, hash=root.root_hash)
            )
        for root in outcome.already:
            self.stdout.write(
                _("%(queue)s %(day)s: already published, entry %(sequence)s %(hash)s")
                % dict(values, queue=root.queue.slug, sequence=root.sequence, hash=root.root_hash)
            )
        for queue in outcome.empty:
            self.stdout.write(
                _("%(queue)s %(day)s: no entries yet, nothing to publish")
                % dict(values, queue=queue.slug)
            )
