"""The letter to a commenter: the answer to their comment, in the language they wrote in."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from hearings.models import Comment
from rgis.mail import letter_queue, public_url
from rgis.personal import personal_decrypt_or_fail


def answer_letter_queue(comment_id: int) -> bool:
    """Queue the answer's letter; False when there is no answer or no e-mail to write to."""
    comment = (
        Comment.objects.select_related("hearing", "topic", "answer").filter(pk=comment_id).first()
    )
    if comment is None or not comment.author_email_encrypted:
        return False
    answer = getattr(comment, "answer", None)
    if answer is None:
        return False
    with translation.override(comment.language or "kk"):
        hearing = comment.hearing
        path = reverse("hearings:detail", args=[hearing.slug]) + f"#comment-{comment.number}"
        subject = _("Your comment on “%(title)s” has been answered") % {"title": hearing.title}
        body = render_to_string(
            "hearings/email/answer.txt",
            {
                "hearing": hearing,
                "comment": comment,
                "pseudonym": comment.pseudonym(hearing.territory_name),
                "answer": answer,
                "link": public_url(path),
            },
        ).strip()
    letter_queue(
        to=personal_decrypt_or_fail(comment.author_email_encrypted), subject=subject, body=body
    )
    return True
