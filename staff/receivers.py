"""Sign-ins and sign-outs of staff go to the audit log (Django's auth signals).

Django's auth signals are the one place every sign-in door (staff pages, admin, API Basic
auth) passes through, so the receivers stay here and thin: failed sign-ins are counted
(and a limit reached audited) by staff.services.sign_in_failure_record.
"""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from rgis.security import staff_session_renew
from staff.services import audit_record, sign_in_failure_record


@receiver(user_logged_in)
def _record_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="login", instance=user)
    if request is not None and hasattr(request, "session"):
        staff_session_renew(request)  # saved with the sign-in's own session write


@receiver(user_logged_out)
def _record_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="logout", instance=user)


@receiver(user_login_failed)
def _count_login_failure(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # Django has already replaced the password in `credentials` by asterisks.
    sign_in_failure_record(request=request, username=str(credentials.get("username", "")))
