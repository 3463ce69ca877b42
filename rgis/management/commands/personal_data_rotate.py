"""Re-encrypt personal data with the newest key and re-hash look-ups with the newest key."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rgis.personal_rotation import RotationCount, personal_data_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted personal value with the first key of "
        "RGIS_PERSONAL_ENCRYPTION_KEYS and re-hash every look-up hash with the first key of "
        "RGIS_PERSONAL_LOOKUP_KEYS, in small transactions, while the portal runs. Exit "
        "status 0 once nothing is left under an older key; run again while it is 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=settings.RGIS_PERSONAL_ROTATE_BATCH,
            help="rows per transaction (default %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(count: RotationCount) -> None:
            if options["verbosity"] >= 2:
                self.stdout.write(f"  {count.column}: {count.rows} rows read")

        counts = personal_data_rotate(batch_size=options["batch_size"], progress=progress)
        for count in counts:
            self.stdout.write(
                f"{count.column}: {count.rows} rows, {count.reencrypted} re-encrypted, "
                f"{count.rehashed} re-hashed, {count.unreadable} unreadable with every "
                f"configured key, {count.busy} busy (in use by a request), "
                f"{count.refused} refused by a database rule"
            )
        left = sum(count.left for count in counts)
        if left:
            raise CommandError(
                f"{left} values are not under the newest keys yet: run the command again "
                "(unreadable ones need the key that wrote them in the lists; refused ones "
                "are one person's duplicate live applications, for an officer to resolve). "
                "Keep the older keys in the lists until it ends with nothing left."
            )
        self.stdout.write("Every value is under the newest keys; the older keys may go.")
