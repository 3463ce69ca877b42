"""E-mails to the applicant of an appeal at each status change (from background jobs).

Kazakh first, then Russian, in one mail; the appeal's number and a link to its public page.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from appeals.models import Appeal, AppealFollower
from rgis.jobs import job_enqueue_on_commit
from rgis.mail import letter_queue

MAIL_LANGUAGES = ("kk", "ru")


def appeal_link(number: str) -> str:
    """The appeal's public page (its URL name is appeals:detail once the pages exist)."""
    try:
        path = reverse("appeals:detail", args=[number])
    except NoReverseMatch:
        path = f"/appeals/{number}/"
    return str(settings.RGIS_PUBLIC_URL).rstrip("/") + path


def appeal_status_mail_send(appeal_id: int) -> bool:
    """Tell the applicant where their appeal stands; False when they left no e-mail."""
    appeal = Appeal.objects.select_related("category", "department").filter(pk=appeal_id).first()
    if appeal is None:
        return False
    followers_told = followers_mail_send(appeal)
    if not appeal.applicant_email:
        return followers_told
    subject, body = _in_mail_languages(
        "appeals/email/status_change.txt",
        {"appeal": appeal, "link": lambda: appeal_link(appeal.number)},
    )
    letter_queue(to=appeal.applicant_email, subject=subject, body=body)
    return True


def follower_link(follower: AppealFollower) -> str:
    """The follower's own page: confirm the address, or stop following."""
    path = reverse("appeals:follower", args=[follower.appeal.number, follower.token])
    return str(settings.RGIS_PUBLIC_URL).rstrip("/") + path


def _in_mail_languages(template: str, context: dict) -> tuple[str, str]:
    """(subject, body) of a mail in Kazakh, then Russian.

    The template engine calls a callable in the context while its language is active:
    links given as `lambda: ...` lead the Kazakh part to /kk/ pages, the Russian to /ru/.
    """
    subjects, bodies = [], []
    for language in MAIL_LANGUAGES:
        with translation.override(language):
            subjects.append(_("Appeal %(number)s") % {"number": context["appeal"].number})
            bodies.append(render_to_string(template, context).strip())
    return " / ".join(dict.fromkeys(subjects)), "\n\n----------\n\n".join(bodies)


def followers_mail_send(appeal: Appeal) -> bool:
    """Tell each confirmed follower (one mail each, with its own link); False if none."""
    followers = list(appeal.followers.filter(confirmed_at__isnull=False))
    for follower in followers:
        follower.appeal = appeal
        subject, body = _in_mail_languages(
            "appeals/public/email/follower_status_change.txt",
            {
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
    subject, body = _in_mail_languages(
        "appeals/public/email/follower_confirm.txt",
        {"appeal": follower.appeal, "link": lambda: follower_link(follower)},
    )
    letter_queue(to=follower.email, subject=subject, body=body)
    return True


def follower_confirmation_announce(follower: AppealFollower) -> None:
    """After the commit: the letter with the confirmation link."""
    from appeals.tasks import follower_confirm_task

    job_enqueue_on_commit(follower_confirm_task, follower.pk)


def status_change_announce(appeal: Appeal, *, followed: bool | None = None) -> None:
    """After the commit: e-mail the applicant, if they left an address, and the followers.

    `followed`: whether anyone follows the appeal where the caller knows (nobody follows an
    appeal being filed); None asks the database.
    """
    if followed is None:
        followed = appeal.followers.filter(confirmed_at__isnull=False).exists()
    if appeal.applicant_email or followed:
        from appeals.tasks import appeal_status_notify_task

        job_enqueue_on_commit(appeal_status_notify_task, appeal.pk)
