"""`manage.py outbox_prune`: forget letters sent long ago (they hold people's addresses)."""

import datetime

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from rgis.mail import letters_sent_prune


class Command(BaseCommand):
    help = "Delete letters of the outbox sent more than --days days ago (default 30)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args: object, days: int, **options: object) -> None:
        deleted = letters_sent_prune(before=timezone.now() - datetime.timedelta(days=days))
        self.stdout.write(f"{deleted} sent letter(s) deleted.")
