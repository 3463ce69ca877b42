"""A letter whose send job was lost (its run ended in a database error) is still sent."""

import datetime
import io

from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from rgis.mail import letter_queue
from rgis.models import OutboundLetter


def test_a_letter_whose_job_was_lost_is_sent_once_by_the_scheduled_resume(db, run_jobs):
    letter = letter_queue(to="applicant@example.kz", subject="Queue 42", body="Your place: 7")
    # What the worker leaves when the database restarts mid-send: the try rolled back (the
    # letter still pending) and the job ended FAILED.
    DBTaskResult.objects.update(status="FAILED")
    OutboundLetter.objects.filter(pk=letter.pk).update(
        next_try_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert run_jobs() == []  # nothing left that would ever send it

    out = io.StringIO()
    call_command("outbox_resume", stdout=out)
    call_command("outbox_resume", stdout=io.StringIO())  # the next hour's run, before a worker
    assert "1 overdue letter(s) given a new send job." in out.getvalue()
    run_jobs()

    assert [message.to for message in mail.outbox] == [["applicant@example.kz"]]
    assert OutboundLetter.objects.get(pk=letter.pk).status == OutboundLetter.Status.SENT


def test_letters_not_yet_overdue_are_left_to_their_own_jobs(db):
    letter_queue(to="applicant@example.kz", subject="Queue 42", body="Your place: 7")
    out = io.StringIO()
    call_command("outbox_resume", stdout=out)
    assert "0 overdue letter(s)" in out.getvalue()
    assert DBTaskResult.objects.count() == 1
