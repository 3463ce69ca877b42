"""Where letters go: EMAIL_URL in production, files under var/mail/ in development."""

import datetime
import io
import os
import secrets
import signal
import subprocess
import sys

import pytest

from rgis.email_url import email_settings_parse
from rgis.mail import letter_queue
from rgis.models import OutboundLetter
from tests.rgis.test_settings import manage
from tests.rgis.workers import ROOT, database_url_of_tests, wait_for


def test_email_url_gives_the_smtp_settings():
    assert email_settings_parse("smtp://portal:p%40ss%2Fword@mail.example.kz:587/?tls=1") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.kz",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "portal",
        "EMAIL_HOST_PASSWORD": "p@ss/word",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
    }
    implicit = email_settings_parse("smtps://portal:x@mail.example.kz/?timeout=10")
    assert implicit["EMAIL_PORT"] == 465
    assert implicit["EMAIL_USE_SSL"] is True and implicit["EMAIL_USE_TLS"] is False
    assert implicit["EMAIL_TIMEOUT"] == 10.0
    assert email_settings_parse("file:///srv/rgis/mail")["EMAIL_FILE_PATH"] == "/srv/rgis/mail"
    with pytest.raises(ValueError, match="unknown scheme"):
        email_settings_parse("smtpx://mail.example.kz")


def test_production_without_email_url_warns_at_start_up():
    result = manage(
        "check",
        DJANGO_SETTINGS_MODULE="rgis.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        RGIS_PERSONAL_DATA_KEY=secrets.token_urlsafe(32),
        EMAIL_URL="",
    )
    assert result.returncode == 0, result.stderr
    assert "rgis.W201" in result.stderr
    assert "EMAIL_URL is not set" in result.stderr


def test_production_reads_email_url():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS)",
        DJANGO_SETTINGS_MODULE="rgis.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        RGIS_PERSONAL_DATA_KEY=secrets.token_urlsafe(32),
        EMAIL_URL="smtp://portal:secret@mail.example.kz:587/?tls=1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["mail.example.kz", "587", "True"]
    assert "rgis.W201" not in result.stderr


@pytest.mark.django_db(transaction=True)
def test_development_writes_letters_to_files_under_var_mail(tmp_path):
    letter_queue(to="applicant@example.kz", subject="Queue 42", body="Your place: 7")
    environment = {k: v for k, v in os.environ.items() if k not in {"EMAIL_URL", "SECRET_KEY"}}
    worker = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--queue-name", "*"],
        cwd=ROOT,
        env={
            **environment,
            "DJANGO_SETTINGS_MODULE": "rgis.settings.dev",
            "DATABASE_URL": database_url_of_tests(),
            "RGIS_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    assert "Traceback" not in worker.stdout + worker.stderr
    [written] = list((tmp_path / "mail").iterdir())
    text = written.read_text()
    assert "To: applicant@example.kz" in text
    assert "Your place: 7" in text
    assert OutboundLetter.objects.get().status == OutboundLetter.Status.SENT


@pytest.mark.django_db
def test_letters_sent_long_ago_are_pruned_the_others_kept():
    from django.core.management import call_command
    from django.utils import timezone

    long_ago = timezone.now() - datetime.timedelta(days=31)
    OutboundLetter.objects.create(
        recipient="old@example.kz", subject="s", body="b", status="sent", sent_at=long_ago
    )
    OutboundLetter.objects.create(
        recipient="new@example.kz", subject="s", body="b", status="sent", sent_at=timezone.now()
    )
    OutboundLetter.objects.create(
        recipient="failed@example.kz", subject="s", body="b", status="failed"
    )
    call_command("outbox_prune", stdout=io.StringIO())
    assert sorted(OutboundLetter.objects.values_list("recipient", flat=True)) == [
        "failed@example.kz",
        "new@example.kz",
    ]


@pytest.mark.django_db(transaction=True)
def test_make_runs_autoreloading_worker_sends_letters_without_a_traceback(tmp_path):
    """`make run` starts `db_worker` with DEBUG on, so with the autoreloader (the worker
    loop in a thread of its own)."""
    letter_queue(to="applicant@example.kz", subject="Queue 42", body="Your place: 7")
    environment = {k: v for k, v in os.environ.items() if k not in {"EMAIL_URL", "SECRET_KEY"}}
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.2"],
            cwd=ROOT,
            env={
                **environment,
                "DJANGO_SETTINGS_MODULE": "rgis.settings.dev",
                "DEBUG": "1",
                "DATABASE_URL": database_url_of_tests(),
                "RGIS_VAR_DIR": str(tmp_path),
            },
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the reloader's child goes with it
        )
    try:
        wait_for(
            lambda: OutboundLetter.objects.filter(status=OutboundLetter.Status.SENT).exists(),
            what="the letter sent",
        )
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    assert "Traceback" not in log.read_text()
    assert len(list((tmp_path / "mail").iterdir())) == 1
