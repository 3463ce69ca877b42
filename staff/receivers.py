"""Sign-ins and sign-outs of staff go to the audit log (Django's auth signals).

Failed sign-ins are counted, not recorded one by one: a flood of bogus attempts must not
grow the append-only log without end. One entry `sign_in_throttled` is written when a
user name or a client address reaches its limit (rgis.security), after which every door
refuses it without checking passwords until the window ends.
"""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from rgis.ratelimit import client_id
from rgis.security import sign_in_failure_count, staff_session_renew
from staff.services import audit_record


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
    sender: Any, credentials: dict, request: Any = None, **kwargs: Any
) -> None:
    # Django has already replaced the password in `credentials` by asterisks.
    username = str(credentials.get("username", ""))
    for which, count in sign_in_failure_count(request, username):
        after: dict[str, Any] = {"throttled": which, "failures": count}
        if which == "address":
            after["client"] = client_id(request)  # hashed: the address itself is not kept
        audit_record(
            actor=None,
            action="sign_in_throttled",
            actor_username=username[:150] if which == "user" else "",
            after=after,
        )
