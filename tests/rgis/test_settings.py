import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # As an operator would run it: no secret, and not the browser tests' async opt-out.
    unset = {"SECRET_KEY", "RGIS_PERSONAL_DATA_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_real_secret_key():
    for key in ("", "short", "django-insecure-" + "x" * 60):
        result = manage(
            "check",
            DJANGO_SETTINGS_MODULE="rgis.settings.production",
            SECRET_KEY=key,
            RGIS_PERSONAL_DATA_KEY=secrets.token_urlsafe(32),
        )
        assert result.returncode != 0
        assert "SECRET_KEY must be set to a random value" in result.stderr


def test_production_refuses_to_start_without_a_personal_data_key():
    for key in ("", "short"):
        result = manage(
            "check",
            DJANGO_SETTINGS_MODULE="rgis.settings.production",
            SECRET_KEY=secrets.token_urlsafe(50),
            RGIS_PERSONAL_DATA_KEY=key,
        )
        assert result.returncode != 0
        assert "RGIS_PERSONAL_DATA_KEY must be set" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="rgis.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        RGIS_PERSONAL_DATA_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="rgis.example.kz",
        EMAIL_URL="smtp://portal:secret@mail.example.kz:587/?tls=1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_an_unreachable_database_is_named_with_what_to_do_and_no_traceback():
    result = manage(
        "check_database",
        DJANGO_SETTINGS_MODULE="rgis.settings.dev",
        DATABASE_URL="postgis://someone:s3cret@127.0.0.1:1/landdb",
    )
    assert result.returncode == 1
    assert "Cannot reach the PostgreSQL database 'landdb' on 127.0.0.1:1 as user 'someone'" in (
        result.stderr
    )
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
    assert "s3cret" not in result.stderr + result.stdout
