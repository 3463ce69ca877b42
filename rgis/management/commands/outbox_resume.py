"""`manage.py outbox_resume`: send the letters whose job was lost (the scheduler runs it)."""

import datetime

from django.core.management.base import BaseCommand, CommandParser

from rgis.mail import letters_stalled_resume


class Command(BaseCommand):
    help = (
        "Give a new send job to pending letters whose try is more than --minutes overdue "
        "(default 30): their job ended in a database error or was given up."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--minutes", type=int, default=30)

    def handle(self, *args: object, minutes: int, **options: object) -> None:
        resumed = letters_stalled_resume(overdue=datetime.timedelta(minutes=minutes))
        self.stdout.write(f"{resumed} overdue letter(s) given a new send job.")
