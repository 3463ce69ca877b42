"""The hearing's rules (Order No. 505), comments and answers, through the real services."""

import datetime

import pytest
from django.contrib.gis.geos import Point
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from hearings.errors import CommentRefusal, HearingRefusal
from hearings.models import Comment, Hearing, Meeting
from hearings.services.answers import comment_answer
from hearings.services.comments import Author, Place
from hearings.services.schedule import (
    document_add,
    hearing_announce,
    hearing_close,
    hearing_create,
    hearing_open,
    hearing_update,
    meeting_add,
)
from rgis.personal import personal_decrypt
from staff.models import AuditEntry
from tests.hearings.conftest import PARCEL, comment_make, particulars, topic

pytestmark = pytest.mark.django_db


def at_day(day: datetime.date, hour: int = 18) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_a_meeting_earlier_than_20_days_after_the_announcement_is_refused(draft, organiser):
    hearing = hearing_create(version=draft, particulars=particulars(), actor=organiser)
    day19 = hearing.announced_on + datetime.timedelta(days=19)
    with pytest.raises(HearingRefusal, match="no earlier than 20 calendar days"):
        meeting_add(
            hearing=hearing,
            starts_at=at_day(day19),
            place="Hall",
            location=None,
            online_link="",
            actor=organiser,
        )
    day20 = hearing.announced_on + datetime.timedelta(days=20)
    meeting = meeting_add(
        hearing=hearing, starts_at=at_day(day20), place="Hall", location=None, online_link="",
        actor=organiser,
    )  # fmt: skip
    assert meeting.pk is not None
    # The database keeps the rule for any other path too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(hearing=hearing, starts_at=at_day(day19), place="Back door")


def test_the_window_cannot_close_before_the_last_meeting(draft, organiser):
    hearing = hearing_create(version=draft, particulars=particulars(), actor=organiser)
    day25 = hearing.announced_on + datetime.timedelta(days=25)
    meeting_add(
        hearing=hearing, starts_at=at_day(day25), place="Hall", location=None, online_link="",
        actor=organiser,
    )  # fmt: skip
    with pytest.raises(HearingRefusal, match="closes before the last meeting"):
        hearing_update(
            hearing=hearing,
            particulars=particulars(closes_at=at_day(day25, hour=10)),
            actor=organiser,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Hearing.objects.filter(pk=hearing.pk).update(closes_at=at_day(day25, hour=10))


def test_the_window_opens_no_earlier_than_the_announcement(draft, organiser):
    today = timezone.localdate()
    with pytest.raises(HearingRefusal, match="cannot open before the announcement"):
        hearing_create(
            version=draft,
            particulars=particulars(opens_at=at_day(today - datetime.timedelta(days=1), 9)),
            actor=organiser,
        )
    hearing = hearing_create(
        version=draft, particulars=particulars(opens_at=at_day(today, hour=0)), actor=organiser
    )
    assert hearing.territory is not None  # the version's extent by default
    with pytest.raises(IntegrityError), transaction.atomic():
        Hearing.objects.filter(pk=hearing.pk).update(
            opens_at=at_day(today - datetime.timedelta(days=1), 23)
        )


def test_announce_open_close_each_in_its_time_and_audited(draft, organiser):
    hearing = hearing_create(version=draft, particulars=particulars(), actor=organiser)
    with pytest.raises(HearingRefusal, match="Add the open meeting first"):
        hearing_announce(hearing=hearing, actor=organiser)
    meeting_add(
        hearing=hearing,
        starts_at=at_day(hearing.announced_on + datetime.timedelta(days=21)),
        place="Hall", location=None, online_link="", actor=organiser,
    )  # fmt: skip
    hearing = hearing_announce(hearing=hearing, actor=organiser)
    assert hearing.status == Hearing.Status.ANNOUNCED
    with pytest.raises(HearingRefusal, match="comment window opens on"):
        hearing_open(hearing=hearing, actor=organiser)
    with pytest.raises(HearingRefusal, match="Only an open hearing"):
        hearing_close(hearing=hearing, actor=organiser)
    actions = set(AuditEntry.objects.filter(actor=organiser).values_list("action", flat=True))
    assert {"hearings.hearing.create", "hearings.meeting.add", "hearings.hearing.announced"} <= (
        actions
    )


def test_documents_must_be_pdfs(open_hearing, organiser, settings):
    fake = SimpleUploadedFile("note.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(HearingRefusal, match="is not a PDF"):
        document_add(hearing=open_hearing, title="Note", upload=fake, actor=organiser)
    settings.RGIS_HEARINGS_DOCUMENT_MAX_MB = 0
    real = SimpleUploadedFile("note.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    with pytest.raises(HearingRefusal, match="larger than 0 MB"):
        document_add(hearing=open_hearing, title="Note", upload=real, actor=organiser)
    settings.RGIS_HEARINGS_DOCUMENT_MAX_MB = 30
    document = document_add(hearing=open_hearing, title="Note", upload=real, actor=organiser)
    assert document.file.read().startswith(b"%PDF-")


def test_a_comment_by_cadastral_number_takes_the_parcels_place(open_hearing):
    comment, created = comment_make(open_hearing)
    assert created and comment.number == 1
    assert comment.place is not None and comment.place_text == PARCEL
    # Identity encrypted at rest, readable by staff.
    assert "Айнур" not in comment.author_name_encrypted
    assert personal_decrypt(comment.author_name_encrypted) == "Айнур Сапарова"
    assert personal_decrypt(comment.author_iin_encrypted) == "791028302728"
    with pytest.raises(CommentRefusal, match="No parcel with the cadastral number"):
        comment_make(open_hearing, place=Place(cadastral_number="06-097-999-999"))


def test_pseudonyms_are_numbered_per_hearing(open_hearing, draft, organiser):
    first, _ = comment_make(open_hearing)
    second, _ = comment_make(open_hearing, place=Place(lat=42.92, lon=71.40))
    assert [first.number, second.number] == [1, 2]
    assert second.pseudonym("Сынақ") == "Resident of Сынақ #2"
    other = hearing_create(version=draft, particulars=particulars(slug="another"), actor=organiser)
    Hearing.objects.filter(pk=other.pk).update(
        status=Hearing.Status.OPEN,
        announced_on=open_hearing.announced_on,
        opens_at=open_hearing.opens_at,
    )
    other.refresh_from_db()
    assert comment_make(other)[0].number == 1


def test_one_comment_per_idempotency_key(open_hearing):
    first, created = comment_make(open_hearing, key="abc")
    again, created_again = comment_make(open_hearing, key="abc", text="Другой текст совсем.")
    assert created and not created_again and again.pk == first.pk
    assert Comment.objects.count() == 1


def test_comments_outside_the_window_are_refused_with_its_dates(open_hearing):
    Hearing.objects.filter(pk=open_hearing.pk).update(closes_at=timezone.now())
    open_hearing.refresh_from_db()
    with pytest.raises(CommentRefusal, match="Comments were accepted from .* to "):
        comment_make(open_hearing)


def test_name_and_a_contact_are_required_and_the_iin_checked(open_hearing):
    with pytest.raises(CommentRefusal, match="Enter your name"):
        comment_make(open_hearing, author=Author(full_name=" ", email="a@example.kz"))
    with pytest.raises(CommentRefusal, match="Leave an e-mail or a phone"):
        comment_make(open_hearing, author=Author(full_name="Айнур"))
    with pytest.raises(Exception, match="check digit"):
        comment_make(
            open_hearing, author=Author(full_name="Айнур", phone="+7 701", iin="791028302729")
        )
    comment, _ = comment_make(open_hearing, author=Author(full_name="Айнур", phone="+7 701"))
    assert comment.author_email_encrypted == "" and comment.author_iin_encrypted == ""


def test_staff_enter_a_comment_said_aloud(open_hearing, organiser):
    comment, _ = comment_make(
        open_hearing,
        channel=Comment.Channel.MEETING,
        idempotency_scope="staff",
        actor=organiser,
        place=Place(address="ул. Толе би, 45"),
    )
    assert comment.channel == "meeting" and comment.entered_by == organiser
    entry = AuditEntry.objects.get(action="hearings.comment.enter")
    assert "Айнур" not in str(entry.after) and "ainur" not in str(entry.after)
    with pytest.raises(CommentRefusal, match="Only the organiser's staff"):
        comment_make(open_hearing, channel=Comment.Channel.PAPER)


def test_an_answer_puts_a_letter_in_the_commenters_language_in_the_outbox(
    open_hearing, organiser, run_jobs, django_capture_on_commit_callbacks
):
    comment, _ = comment_make(open_hearing)
    with django_capture_on_commit_callbacks(execute=True):
        answer = comment_answer(
            comment=comment,
            verdict="partly",
            reason_kk="Көше жобада кеңейтіледі.",
            reason_ru="Улица будет расширена частично.",
            actor=organiser,
        )
    assert answer.pk is not None
    with pytest.raises(HearingRefusal, match="Give the reason"):
        comment_answer(
            comment=comment, verdict="accepted", reason_kk="", reason_ru="", actor=organiser
        )
    run_jobs()
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == ["ainur@example.kz"]
    assert "Улица будет расширена частично." in letter.body
    assert "принято частично" in letter.body  # the decision, in Russian
    assert "/ru/hearings/saulet-test/#comment-1" in letter.body
    assert AuditEntry.objects.filter(action="hearings.answer.give").exists()


def test_no_letter_without_an_email(
    open_hearing, organiser, run_jobs, django_capture_on_commit_callbacks
):
    comment, _ = comment_make(open_hearing, author=Author(full_name="Айнур", phone="+7 701"))
    with django_capture_on_commit_callbacks(execute=True):
        comment_answer(
            comment=comment, verdict="accepted", reason_kk="", reason_ru="Да.", actor=organiser
        )
    run_jobs()
    assert mail.outbox == []


def test_a_point_outside_the_city_is_refused(open_hearing):
    with pytest.raises(CommentRefusal, match="outside the city"):
        comment_make(open_hearing, place=Place(lat=51.1, lon=71.4))
    comment, _ = comment_make(open_hearing, place=Place(lat=42.9, lon=71.38), topic=topic("other"))
    assert comment.place.transform(4326, clone=True).equals_exact(Point(71.38, 42.9), 1e-6)
