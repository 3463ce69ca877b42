"""E-mails to the applicant of an appeal at each status change (from background jobs).

Kazakh first, then Russian, in one mail; the appeal's number and a link to its public page.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from appeals.models import Appeal
from rgis.jobs import job_enqueue_on_commit

MAIL_LANGUAGES = ("kk", "ru")


def appeal_link(number: str) -> str:
    """The appeal's public page (its URL name is appeals:detail once the pages exist)."""
    try:
        path = reverse("appeals:detail", args=[number])
    except NoReverseMatch:
        path = f"/appeals/{number}/"
    return str(getattr(settings, "RGIS_PUBLIC_URL", "")).rstrip("/") + path


def appeal_status_mail_send(appeal_id: int) -> bool:
    """Tell the applicant where their appeal stands; False when they left no e-mail."""
    appeal = Appeal.objects.select_related("category", "department").filter(pk=appeal_id).first()
    if appeal is None:
        return False
    followers_told = followers_mail_send(appeal)
    if not appeal.applicant_email:
        return followers_told
    subjects, bodies = [], []
    for language in MAIL_LANGUAGES:
        with translation.override(language):
            subjects.append(_("Appeal %(number)s") % {"number": appeal.number})
            bodies.append(
                render_to_string(
                    "appeals/email/status_change.txt",
                    {"appeal": appeal, "link": appeal_link(appeal.number)},
                ).strip()
            )
    EmailMessage(
        subject=" / ".join(dict.fromkeys(subjects)),
        body="\n\n----------\n\n".join(bodies),
        to=[appeal.applicant_email],
    ).send()
    return True


def followers_mail_send(appeal: Appeal) -> bool:
    """Tell each follower (one mail each: no one sees another's address); False if none."""
    emails = list(appeal.followers.values_list("email", flat=True))
    if not emails:
        return False
    subjects, bodies = [], []
    for language in MAIL_LANGUAGES:
        with translation.override(language):
            subjects.append(_("Appeal %(number)s") % {"number": appeal.number})
            bodies.append(
                render_to_string(
                    "appeals/public/email/follower_status_change.txt",
                    {"appeal": appeal, "link": appeal_link(appeal.number)},
                ).strip()
            )
    for email in emails:
        EmailMessage(
            subject=" / ".join(dict.fromkeys(subjects)),
            body="\n\n----------\n\n".join(bodies),
            to=[email],
        ).send()
    return True


def status_change_announce(appeal: Appeal, *, followed: bool | None = None) -> None:
    """After the commit: e-mail the applicant, if they left an address, and the followers.

    `followed`: whether anyone follows the appeal where the caller knows (nobody follows an
    appeal being filed); None asks the database.
    """
    if appeal.applicant_email or (appeal.followers.exists() if followed is None else followed):
        from appeals.tasks import appeal_status_notify_task

        job_enqueue_on_commit(appeal_status_notify_task, appeal.pk)
