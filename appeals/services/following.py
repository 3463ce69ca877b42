"""Following an appeal by e-mail instead of filing the same problem again.

Mails go only to a confirmed address: whoever typed it must open the link sent there, so
nobody can sign someone else up. The same link stops the following.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appeals.errors import AppealRefusal
from appeals.models import Appeal, AppealFollower
from appeals.tasks import follower_confirm_enqueue


def appeal_follow(*, appeal: Appeal, email: str) -> tuple[AppealFollower, bool]:
    """Follow an appeal by e-mail instead of filing a duplicate; (follower, created)."""
    address = email.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise AppealRefusal(
            _("Enter an e-mail address such as name@example.kz: the news will go there.")
        ) from None
    if appeal.status == Appeal.Status.CLOSED:
        raise AppealRefusal(_("This appeal is closed: there will be no more news of it."))
    # get_or_create retries the read when a concurrent insert wins the unique constraint.
    follower, created = AppealFollower.objects.get_or_create(appeal=appeal, email=address)
    if follower.confirmed_at is None:
        # Asked again before confirming (the letter lost, or in spam): send it again. The
        # follow form's rate limit per client bounds how many letters anyone can cause.
        follower_confirm_enqueue(follower)
    return follower, created


def follower_confirm(follower: AppealFollower) -> AppealFollower:
    """The address is confirmed: status mails go there from now on (idempotent)."""
    if follower.confirmed_at is None:
        follower.confirmed_at = timezone.now()
        follower.save(update_fields=["confirmed_at"])
    return follower


def follower_stop(follower: AppealFollower) -> None:
    """No more mails about this appeal to this address; the address is forgotten."""
    follower.delete()
