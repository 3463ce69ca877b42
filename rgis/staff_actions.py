"""What every staff page does around one action: who may act, run it, say how it went.

The apps' staff views (appeals, queues, plans) build on these instead of each keeping
its own copy; a refusal reads the same in every office.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse

from rgis.errors import Refusal

View = Callable[..., HttpResponse]


def capability_required(*permissions: str) -> Callable[[View], View]:
    """Signed in and holding any one of the permissions; 403 otherwise."""

    def decorate(view: View) -> View:
        def check(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not any(request.user.has_perm(permission) for permission in permissions):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        check.__name__ = view.__name__
        check.__doc__ = view.__doc__
        check.__module__ = view.__module__
        return login_required(check)

    return decorate


def refusal_text(error: Refusal | ValidationError) -> str:
    """The sentence a refusal or a failed validation shows the staff member."""
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    return str(error)


def form_errors_text(form: Any) -> str:
    """Every error of a bound form, as one sentence for a flash message."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def staff_action_run(request: HttpRequest, action: Callable[[], Any], done: str) -> bool:
    """Run one service call; flash `done` or the refusal. True when it went through."""
    try:
        action()
    except (Refusal, ValidationError) as error:
        messages.error(request, refusal_text(error))
        return False
    messages.success(request, done)
    return True
