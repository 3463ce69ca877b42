"""Following an appeal by e-mail instead of filing the same problem again (no sign-in)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from appeals.errors import AppealRefusal
from appeals.forms.public import FollowForm
from appeals.ratelimits import appeal_rate_message, appeal_rate_spend
from appeals.selectors.public import appeal_public_get, follower_by_token
from appeals.services.following import appeal_follow, follower_confirm, follower_stop


@never_cache
@require_http_methods(["GET", "POST"])
def appeal_follow_page(request: HttpRequest, number: str) -> HttpResponse:
    """Follow an appeal by e-mail instead of filing the same problem again."""
    appeal = appeal_public_get(number)
    if appeal is None:
        raise Http404("No such appeal")
    form = FollowForm(request.POST or None)
    message, status, done, confirmed = "", 200, False, False
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif (retry_at := appeal_rate_spend(request, "follow")) is not None:
            message, status = appeal_rate_message(retry_at), 429
        else:
            try:
                follower, _created = appeal_follow(appeal=appeal, email=form.cleaned_data["email"])
                done, confirmed = True, follower.confirmed_at is not None
            except AppealRefusal as refusal:
                message, status = str(refusal), 400
    return render(
        request,
        "appeals/public/follow.html",
        # The address is never written back: the page may be seen over a shoulder.
        {
            "appeal": appeal,
            "form": FollowForm() if done else form,
            "done": done,
            "confirmed": confirmed,
            "message": message,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def appeal_follower_page(request: HttpRequest, number: str, token: str) -> HttpResponse:
    """The link in a follower's letters: confirm the address (POST), or stop following.

    Opening the link only shows a button: mail scanners that open every link in a letter
    must not confirm, nor stop, anything.
    """
    follower = follower_by_token(number, token)
    if follower is None:
        return render(request, "appeals/public/follower.html", {"number": number}, status=404)
    stopped = False
    if request.method == "POST":
        if request.POST.get("action") == "stop":
            follower_stop(follower)
            stopped = True
        else:
            follower_confirm(follower)
    return render(
        request,
        "appeals/public/follower.html",
        {"number": number, "follower": None if stopped else follower, "stopped": stopped},
    )
