"""Letters survive a mail server that is down: tried again, then shown to staff, resent.

A real SMTP server (aiosmtpd) on a port of its own, and real worker processes.
"""

import re
import socket

import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from django.urls import reverse
from django.utils import translation

from queues.services.offers import offer_to_head
from rgis.models import OutboundLetter
from staff.models import AuditEntry
from tests.factories import QueueFactory, StaffUserFactory
from tests.queues.factories import ParcelFactory, applications_register
from tests.rgis.workers import Worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


class Mailbox:
    """What the SMTP server received: (recipients, message) of each letter."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def copies_to(self, address: str) -> int:
        return sum(address in recipients for recipients, _content in self.received)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def worker(tmp_path, smtp_port):
    started = Worker(
        tmp_path / "worker.log",
        "mail",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}/?timeout=5",
        RGIS_MAIL_MAX_ATTEMPTS="3",
        RGIS_MAIL_RETRY_SECONDS="0.2",
    )
    yield started
    started.stop()


def _csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_letters_wait_out_a_mail_server_that_is_down_and_staff_send_them_again(smtp_port, worker):
    queue = QueueFactory()
    applicants = applications_register(queue, 2, email=True)
    offer_to_head(queue=queue, parcel=ParcelFactory(), actor=None)  # letters to tell

    # The mail server is down: every letter is tried three times, then failed; none lost.
    wait_for(
        lambda: (
            OutboundLetter.objects.exists()
            and not OutboundLetter.objects.exclude(status=OutboundLetter.Status.FAILED).exists()
        ),
        what="every letter failed after its tries",
    )
    letters = list(OutboundLetter.objects.order_by("pk"))
    assert applicants[0].email in {letter.recipient for letter in letters}
    for letter in letters:
        assert letter.attempts == 3
        assert letter.last_error.startswith("ConnectionRefusedError")
    log = worker.output()
    assert "Traceback" not in log
    assert "not sent after 3 tries" in log
    assert all(letter.recipient not in log for letter in letters)  # no addresses in logs

    # Staff see them, addresses partly hidden.
    admin = StaffUserFactory(role="administrator")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin)
    with translation.override("en"):
        outbox_url = reverse("staff:outbox")
    page = browser.get(outbox_url).content.decode()
    assert "Undelivered letters" in page
    for letter in letters:
        assert letter.subject in page
        assert letter.recipient not in page
        assert letter.recipient[:2] + "***@example.kz" in page
    assert "ConnectionRefusedError" in page

    # The server is up again: "Send again" on each delivers it, once.
    mailbox = Mailbox()
    server = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    server.start()
    try:
        for letter in letters:
            with translation.override("en"):
                retry_url = reverse("staff:outbox_retry", args=[letter.pk])
            assert retry_url in page
            response = browser.post(retry_url, {"csrfmiddlewaretoken": _csrf_token(page)})
            assert response.status_code == 302
        wait_for(
            lambda: not OutboundLetter.objects.exclude(status=OutboundLetter.Status.SENT).exists(),
            what="every letter sent",
        )
        wait_for(lambda: len(mailbox.received) >= len(letters), what="letters received")
    finally:
        server.stop()
    for letter in letters:
        assert mailbox.copies_to(letter.recipient) == 1
    assert len(mailbox.received) == len(letters)
    assert AuditEntry.objects.filter(
        action="mail.letter_retry", actor_username=admin.username
    ).count() == len(letters)
    assert "Every letter was delivered." in browser.get(outbox_url).content.decode()


def test_a_retry_needs_a_post_with_the_csrf_token_and_an_administrator(worker):
    letter = OutboundLetter.objects.create(
        recipient="someone@example.kz", subject="s", body="b", status="failed", attempts=3
    )
    with translation.override("en"):
        retry_url = reverse("staff:outbox_retry", args=[letter.pk])
        outbox_url = reverse("staff:outbox")
    officer = Client(enforce_csrf_checks=True)
    officer.force_login(StaffUserFactory(role="queue_officer"))
    assert officer.get(outbox_url).status_code == 403
    assert officer.post(retry_url).status_code == 403
    admin = Client(enforce_csrf_checks=True)
    admin.force_login(StaffUserFactory(role="administrator"))
    assert admin.get(retry_url).status_code == 405
    assert admin.post(retry_url).status_code == 403  # no CSRF token
    letter.refresh_from_db()
    assert letter.status == OutboundLetter.Status.FAILED
