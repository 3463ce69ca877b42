"""manage.py staff_totp_add USER: a TOTP device for a staff account (RGIS_ADMIN_OTP)."""

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from staff.services import staff_totp_device_add


class Command(BaseCommand):
    help = (
        "Give a staff account a new TOTP device for the admin's second factor and print the "
        "otpauth:// address to enter (or scan as a QR code) in an authenticator app."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="authenticator", help="the device's name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            config_url = staff_totp_device_add(username=options["username"], name=options["name"])
        except User.DoesNotExist:
            raise CommandError(f"No user named {options['username']!r}.") from None
        self.stdout.write(config_url)
