"""E-mails to the applicant of an appeal and its followers at each status change.

Made by the background jobs of appeals.tasks: Kazakh first, then Russian, in one mail
(rgis.mail.letter_in_state_languages); the appeal's number and a link to its public page.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from appeals.models import Appeal, AppealFollower
from rgis.mail import letter_in_state_languages, letter_queue, public_url


def appeal_link(number: str) -> str:
    """The appeal's public page, as a link for a letter or a receipt."""
    return public_url(reverse("appeals:detail", args=[number]))


def follower_link(follower: AppealFollower) -> str:
    """The follower's own page: confirm the address, or stop following."""
    return public_url(reverse("appeals:follower", args=[follower.appeal.number, follower.token]))


def _subject(appeal: Appeal) -> str:
    return _("Appeal %(number)s") % {"number": appeal.number}


def appeal_status_mail_send(appeal_id: int) -> bool:
    """Tell the applicant where their appeal stands; False when they left no e-mail."""
    appeal = Appeal.objects.select_related("category", "department").filter(pk=appeal_id).first()
    if appeal is None:
        return False
    followers_told = followers_mail_send(appeal)
    if not appeal.applicant_email:
        return followers_told
    subject, body = letter_in_state_languages(
        subject=lambda: _subject(appeal),
        template="appeals/email/status_change.txt",
        context={"appeal": appeal, "link": lambda: appeal_link(appeal.number)},
    )
    letter_queue(to=appeal.applicant_email, subject=subject, body=body)
    return True


def followers_mail_send(appeal: Appeal) -> bool:
    """Tell each confirmed follower (one mail each, with its own link); False if none."""
    followers = list(appeal.followers.filter(confirmed_at__isnull=False))
    for follower in followers:
        follower.appeal = appeal
        subject, body = letter_in_state_languages(
            subject=lambda: _subject(appeal),
            template="appeals/public/email/follower_status_change.txt",
            context={
                "appeal": appeal,
                "link": lambda: appeal_link(appeal.number),
                "stop_link": lambda follower=follower: follower_link(follower),
            },
        )
        letter_queue(to=follower.email, subject=subject, body=body)
    return bool(followers)


def follower_confirmation_mail_send(follower_id: int) -> bool:
    """Ask whoever reads the address to confirm the following; False if it is gone."""
    follower = AppealFollower.objects.select_related("appeal").filter(pk=follower_id).first()
    if follower is None or follower.confirmed_at is not None:
        return False
    subject, body = letter_in_state_languages(
        subject=lambda: _subject(follower.appeal),
        template="appeals/public/email/follower_confirm.txt",
        context={"appeal": follower.appeal, "link": lambda: follower_link(follower)},
    )
    letter_queue(to=follower.email, subject=subject, body=body)
    return True
