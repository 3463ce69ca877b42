"""Moderation of comments (issue 14, item 5): readers report, enough reports hide a comment
until a moderator looks; the moderator restores it, hides it with a public reason, or takes
personal data out of its text (the original kept for staff). Every step is audited."""

import hashlib
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearings.errors import HearingRefusal, ReportRefusal
from hearings.models import Comment, CommentReport
from hearings.services.comments import TEXT_MAX
from rgis.actors import Actor
from staff.services import audit_record

REASON_MAX = 500
DETAIL_MAX = 500


def reader_digest(token: str) -> str:
    """What a report keeps of a browser's reader token (never the token itself)."""
    return hashlib.sha256(f"hearings-reader:{token}".encode()).hexdigest()


def moderation_snapshot(comment: Comment) -> dict[str, Any]:
    """The comment's moderation state as the audit log keeps it: no text, no author (the
    log outlives a redaction, and the original text may hold what was taken out)."""
    return {
        "moderation": comment.moderation,
        "moderation_reason": comment.moderation_reason,
        "redacted": comment.redacted_at is not None,
        "text_length": len(comment.text),
    }


def _reports_since_review(comment: Comment) -> int:
    reports = CommentReport.objects.filter(comment=comment)
    if comment.moderated_at is not None:
        # A moderator who restored a comment has answered the reports made until then.
        reports = reports.filter(created_at__gt=comment.moderated_at)
    return reports.count()


def comment_report(
    *, comment: Comment, reason: str, detail: str, browser_token: str, client: str
) -> CommentReport:
    """A reader reports a comment; the RGIS_HEARINGS_REPORTS_TO_HIDE-th report since the
    last review hides it pending review. One report per browser and per connection."""
    if reason not in CommentReport.Reason.values:
        raise ReportRefusal(_("Pick why the comment should be looked at."))
    if not browser_token:
        raise ReportRefusal(_("Your browser refused the cookie that counts reports."))
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.moderation == Comment.Moderation.HIDDEN:
            raise ReportRefusal(_("The moderator has already hidden this comment."))
        try:
            with transaction.atomic():
                report = CommentReport.objects.create(
                    comment=locked,
                    reason=reason,
                    detail=" ".join(detail.split())[:DETAIL_MAX],
                    browser_digest=reader_digest(browser_token),
                    client_digest=client[:64],
                )
        except IntegrityError:
            raise ReportRefusal(
                _("This comment has already been reported from your browser or connection.")
            ) from None
        before = moderation_snapshot(locked)
        hides = (
            locked.moderation == Comment.Moderation.VISIBLE
            and _reports_since_review(locked) >= settings.RGIS_HEARINGS_REPORTS_TO_HIDE
        )
        if hides:
            locked.moderation = Comment.Moderation.PENDING
            locked.save(update_fields=["moderation"])
        audit_record(
            actor=None,
            actor_username="hearings_reader",
            action="hearings.comment.hide_pending" if hides else "hearings.comment.report",
            instance=locked,
            before=before,
            after={**moderation_snapshot(locked), "report_reason": reason},
        )
    comment.moderation = locked.moderation
    return report


def comment_restore(*, comment: Comment, actor: Actor) -> Comment:
    """The moderator shows the comment again; the reports so far are answered."""
    return _decide(comment, Comment.Moderation.VISIBLE, "", actor, "hearings.comment.restore")


def comment_hide(*, comment: Comment, reason: str, actor: Actor) -> Comment:
    """The moderator hides the comment; the public reads the reason in its place."""
    reason = " ".join(reason.split())
    if not reason:
        raise HearingRefusal(_("Say why the comment is hidden: the public reads the reason."))
    if len(reason) > REASON_MAX:
        raise HearingRefusal(_("The reason is too long (at most 500 characters)."))
    return _decide(comment, Comment.Moderation.HIDDEN, reason, actor, "hearings.comment.hide")


def _decide(comment: Comment, moderation: str, reason: str, actor: Actor, action: str) -> Comment:
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        before = moderation_snapshot(locked)
        locked.moderation = moderation
        locked.moderation_reason = reason
        locked.moderated_at = timezone.now()
        locked.full_clean(
            exclude=["hearing", "topic", "entered_by", "place"], validate_unique=False
        )
        locked.save(update_fields=["moderation", "moderation_reason", "moderated_at"])
        audit_record(
            actor=actor,
            action=action,
            instance=locked,
            before=before,
            after=moderation_snapshot(locked),
        )
    return locked


def comment_redact(*, comment: Comment, text: str, actor: Actor) -> Comment:
    """The moderator replaces the text with one without personal data; the text as first
    written stays for staff (a second edit keeps that first original)."""
    body = text.strip()
    if not body:
        raise HearingRefusal(_("Write the text as the public should read it."))
    if len(body) > TEXT_MAX:
        raise HearingRefusal(_("The comment is too long (at most 5000 characters)."))
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if body == locked.text:
            raise HearingRefusal(_("The text is unchanged: nothing to save."))
        before = moderation_snapshot(locked)
        if not locked.text_original:
            locked.text_original = locked.text
        locked.text = body
        locked.redacted_at = timezone.now()
        locked.save(update_fields=["text", "text_original", "redacted_at"])
        audit_record(
            actor=actor,
            action="hearings.comment.redact",
            instance=locked,
            before=before,
            after=moderation_snapshot(locked),
        )
    return locked
