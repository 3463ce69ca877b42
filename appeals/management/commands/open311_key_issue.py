"""Issue an Open311 api_key to a partner app: the key is printed once and never stored."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from appeals.services.partners import partner_key_issue


class Command(BaseCommand):
    help = "Issue an Open311 api_key to a partner app (printed once; only its hash is kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The partner app, as staff will recognise it.")
        parser.add_argument("--contact", default="", help="Who to call about it.")

    def handle(self, *args: Any, **options: Any) -> None:
        partner, key = partner_key_issue(name=options["name"], contact=options["contact"])
        self.stderr.write(
            f"Issued to {partner.name} (prefix {partner.prefix}). "
            "Give this key to the partner now: it cannot be shown again."
        )
        self.stdout.write(key)
