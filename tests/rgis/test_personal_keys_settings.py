"""Production settings accept the key lists in place of the single key, and check each key."""

import secrets

from tests.rgis.test_settings import manage


def test_production_starts_with_key_lists_and_a_ledger_key_instead_of_the_single_key():
    result = manage(
        "check",
        DJANGO_SETTINGS_MODULE="rgis.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        RGIS_PERSONAL_ENCRYPTION_KEYS=f"{secrets.token_urlsafe(32)},{secrets.token_urlsafe(32)}",
        RGIS_PERSONAL_LOOKUP_KEYS=secrets.token_urlsafe(32),
        RGIS_LEDGER_PSEUDONYM_KEY=secrets.token_urlsafe(32),
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_a_short_key_in_a_list():
    result = manage(
        "check",
        DJANGO_SETTINGS_MODULE="rgis.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        RGIS_PERSONAL_DATA_KEY=secrets.token_urlsafe(32),
        RGIS_PERSONAL_LOOKUP_KEYS=f"{secrets.token_urlsafe(32)},short",
    )
    assert result.returncode != 0
    assert "RGIS_PERSONAL_LOOKUP_KEYS" in result.stderr
