"""The organiser's official answer to a comment, and the letter that tells the commenter."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearings.errors import HearingRefusal
from hearings.models import Answer, Comment, Hearing
from hearings.tasks import answer_letter_enqueue
from rgis.actors import Actor
from staff.services import audit_record, audit_snapshot

REASON_MAX = 5000


def comment_answer(
    *, comment: Comment, verdict: str, reason_kk: str, reason_ru: str, actor: Actor
) -> Answer:
    """Answer a comment (or change the answer) with a reason; the commenter is told by
    e-mail, in the language they wrote in, once this commits."""
    if verdict not in Answer.Verdict.values:
        raise HearingRefusal(
            _("Pick the decision: accepted, partly, not accepted or out of scope.")
        )
    reason_kk, reason_ru = reason_kk.strip(), reason_ru.strip()
    if not (reason_kk or reason_ru):
        raise HearingRefusal(
            _("Give the reason for the decision, in Kazakh or Russian (both is best).")
        )
    if max(len(reason_kk), len(reason_ru)) > REASON_MAX:
        raise HearingRefusal(_("The reason is too long (at most 5000 characters)."))
    if comment.hearing.status not in (Hearing.Status.OPEN, Hearing.Status.CLOSED):
        raise HearingRefusal(
            _("Comments are answered while the hearing is open or closed, before the protocol.")
        )
    with transaction.atomic():
        answer = Answer.objects.select_for_update().filter(comment=comment).first() or Answer(
            comment=comment
        )
        before = audit_snapshot(answer) if answer.pk else None
        answer.verdict = verdict
        answer.reason_kk = reason_kk
        answer.reason_ru = reason_ru
        answer.answered_by = actor if isinstance(actor, User) and actor.is_authenticated else None
        answer.answered_at = timezone.now()
        answer.save()
        audit_record(
            actor=actor,
            action="hearings.answer.change" if before else "hearings.answer.give",
            instance=answer,
            before=before,
            after=audit_snapshot(answer),
        )
        if comment.author_email_encrypted:
            answer_letter_enqueue(comment)
    return answer
