"""Sign-ins and sign-outs of staff go to the audit log (Django's auth signals)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from staff.services import audit_record


@receiver(user_logged_in)
def _record_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="login", instance=user)


@receiver(user_logged_out)
def _record_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="logout", instance=user)


@receiver(user_login_failed)
def _record_login_failure(sender: Any, credentials: dict, request: Any, **kwargs: Any) -> None:
    # Django has already replaced the password in `credentials` by asterisks.
    audit_record(actor=None, action="login_failed", actor_username=credentials.get("username", ""))
