"""Moderation (issue 14, item 5): readers report, three reports hide a comment pending review,
a moderator restores or hides it with a public reason, or edits personal data out of it."""

import io

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from PIL import Image

from hearings.errors import HearingRefusal, ReportRefusal
from hearings.models import Comment, CommentPhoto
from hearings.services.moderation import (
    comment_hide,
    comment_redact,
    comment_report,
)
from staff.models import AuditEntry
from tests.factories import StaffUserFactory
from tests.hearings.conftest import comment_make

pytestmark = pytest.mark.django_db

TEXT = "Прошу расширить улицу у школы, звоните Айнур +7 701 222 3344."


@pytest.fixture
def moderator(db):
    return StaffUserFactory(role="moderator")


@pytest.fixture
def comment(open_hearing) -> Comment:
    return comment_make(open_hearing, text=TEXT)[0]


def report_url(comment: Comment) -> str:
    return f"/en/hearings/{comment.hearing.slug}/comments/{comment.number}/report/"


def report_from(address: str, comment: Comment, reason: str = "offensive") -> int:
    """A report from a new browser (its own cookies) on a connection from `address`."""
    reader = Client(REMOTE_ADDR=address)
    assert reader.get(report_url(comment)).status_code == 200
    return reader.post(report_url(comment), {"reason": reason, "detail": "Грубо."}).status_code


def test_three_reports_hide_a_comment_until_the_moderator_reviews_it(client, comment, settings):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "JPEG")
    photo = CommentPhoto.objects.create(
        comment=comment, image=ContentFile(buffer.getvalue(), name="x.jpg")
    )
    assert client.get(f"/en/hearings/{comment.hearing.slug}/photos/{photo.pk}/").status_code == 200
    page = f"/en/hearings/{comment.hearing.slug}/"
    assert report_from("192.0.2.1", comment) == 200
    assert report_from("192.0.2.2", comment, "spam") == 200
    assert Comment.objects.get(pk=comment.pk).moderation == "visible"
    assert TEXT in client.get(page).content.decode()
    assert report_from("192.0.2.3", comment) == 200

    comment.refresh_from_db()
    assert comment.moderation == "pending"
    body = client.get(page).content.decode()
    assert TEXT not in body
    assert 'data-moderation="pending"' in body and "until the moderator reviews it" in body
    assert client.get(f"{page}comments.geojson").json()["features"] == []
    assert client.get(f"{page}photos/{photo.pk}/").status_code == 404
    actions = list(
        AuditEntry.objects.filter(object_type="hearings.comment", object_id=str(comment.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "hearings.comment.report",
        "hearings.comment.report",
        "hearings.comment.hide_pending",
    ]
    assert TEXT not in str(AuditEntry.objects.values_list("before", "after"))


def test_one_report_per_browser_and_per_connection(comment):
    reader = Client(REMOTE_ADDR="192.0.2.10")
    assert reader.post(report_url(comment), {"reason": "spam"}).status_code == 200
    again = reader.post(report_url(comment), {"reason": "spam"})
    assert again.status_code == 400
    assert "already been reported from your browser or connection" in again.content.decode()
    # A new browser (no cookie) on the same connection is not counted either.
    assert report_from("192.0.2.10", comment) == 400
    # The same browser's cookie from another connection neither.
    reader.defaults["REMOTE_ADDR"] = "192.0.2.11"
    assert reader.post(report_url(comment), {"reason": "spam"}).status_code == 400
    assert comment.reports.count() == 1


def test_a_report_needs_a_reason_and_a_cookie(comment):
    with pytest.raises(ReportRefusal):
        comment_report(comment=comment, reason="dislike", detail="", browser_token="t", client="c")
    with pytest.raises(ReportRefusal):
        comment_report(comment=comment, reason="spam", detail="", browser_token="", client="c")
    assert Client().post(report_url(comment), {"reason": ""}).status_code == 400


def test_a_moderator_restores_and_old_reports_no_longer_count(comment, moderator, settings):
    settings.RGIS_HEARINGS_REPORTS_TO_HIDE = 2
    for index in range(2):
        comment_report(
            comment=comment, reason="spam", detail="", browser_token=f"b{index}", client=f"c{index}"
        )
    assert Comment.objects.get(pk=comment.pk).moderation == "pending"
    client = Client()
    client.force_login(moderator)
    queue = client.get("/en/staff/hearings/moderation/").content.decode()
    assert "Resident of Сынақ #1" in queue and "hidden pending review" in queue
    url = f"/en/staff/hearings/{comment.hearing_id}/comments/{comment.number}/moderate/"
    assert client.post(url, {"action": "restore"}).status_code == 303
    assert Comment.objects.get(pk=comment.pk).moderation == "visible"
    # One more report is one since the review: the comment stays.
    comment_report(comment=comment, reason="spam", detail="", browser_token="b9", client="c9")
    assert Comment.objects.get(pk=comment.pk).moderation == "visible"
    assert AuditEntry.objects.filter(actor=moderator, action="hearings.comment.restore").exists()


def test_a_hidden_comment_shows_the_public_reason(client, comment, moderator):
    with pytest.raises(HearingRefusal):
        comment_hide(comment=comment, reason="  ", actor=moderator)
    comment_hide(comment=comment, reason="Оскорбления в адрес соседей.", actor=moderator)
    body = client.get(f"/ru/hearings/{comment.hearing.slug}/").content.decode()
    assert TEXT not in body
    assert "Оскорбления в адрес соседей." in body and 'data-moderation="hidden"' in body
    # Hidden, no more reports are taken.
    with pytest.raises(ReportRefusal):
        comment_report(comment=comment, reason="spam", detail="", browser_token="b", client="c")
    entry = AuditEntry.objects.get(action="hearings.comment.hide")
    assert entry.actor == moderator
    assert entry.after["moderation_reason"] == "Оскорбления в адрес соседей."


def test_the_database_refuses_a_hidden_comment_without_a_reason(comment):
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(moderation="hidden", moderation_reason="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(redacted_at=timezone.now())


def test_personal_data_is_edited_out_and_the_original_kept_for_staff(client, comment, moderator):
    cleaned = "Прошу расширить улицу у школы, звоните [телефон скрыт]."
    comment_redact(comment=comment, text=cleaned, actor=moderator)
    comment_redact(comment=comment, text=cleaned + " Спасибо.", actor=moderator)
    comment.refresh_from_db()
    assert comment.text_original == TEXT  # the first original, not the first edit
    body = client.get(f"/ru/hearings/{comment.hearing.slug}/").content.decode()
    assert cleaned in body and "+7 701 222 3344" not in body
    assert 'data-moderation="edited"' in body
    staff = Client()
    staff.force_login(moderator)
    page = staff.get(f"/en/staff/hearings/{comment.hearing_id}/comments/{comment.number}/moderate/")
    assert "+7 701 222 3344" in page.content.decode()
    # The audit log says it was edited, and keeps neither text.
    entries = AuditEntry.objects.filter(action="hearings.comment.redact")
    assert entries.count() == 2
    assert "222 3344" not in str(list(entries.values_list("before", "after")))


def test_only_moderators_moderate(comment, organiser):
    client = Client()
    client.force_login(organiser)
    assert client.get("/en/staff/hearings/moderation/").status_code == 403
    url = f"/en/staff/hearings/{comment.hearing_id}/comments/{comment.number}/moderate/"
    assert client.post(url, {"action": "hide", "reason": "x"}).status_code == 403
    assert Comment.objects.get(pk=comment.pk).moderation == "visible"
