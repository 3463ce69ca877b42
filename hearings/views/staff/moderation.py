"""The moderator's pages (capability moderate_content): the comments readers reported, and
the decision on each: show it again, hide it with a public reason, or take personal data
out of its text (the text as written stays here, for staff only)."""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from hearings.forms import ModerationForm
from hearings.models import Comment
from hearings.selectors.discussion import comment_moderation_get, comment_reports, moderation_queue
from hearings.services.moderation import comment_hide, comment_redact, comment_restore
from rgis.staff_actions import capability_required, staff_action_run
from staff.roles import capability

MODERATE = capability("moderate_content")


@require_GET
@capability_required(MODERATE)
def moderation_list(request: HttpRequest) -> HttpResponse:
    """Every reported, hidden or edited comment, those hidden pending review first."""
    return render(request, "hearings/staff/moderation.html", {"rows": moderation_queue()})


def _decision(comment: Comment, form: ModerationForm, request: HttpRequest) -> Comment:
    data = form.cleaned_data
    if data["action"] == "hide":
        return comment_hide(comment=comment, reason=data["reason"], actor=request.user)
    if data["action"] == "redact":
        return comment_redact(comment=comment, text=data["text"], actor=request.user)
    return comment_restore(comment=comment, actor=request.user)


@require_http_methods(["GET", "POST"])
@capability_required(MODERATE)
def comment_moderate(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One comment: its text (as written too), its reports, and the decision."""
    comment = comment_moderation_get(pk, number)
    if comment is None:
        raise Http404("No such comment")
    form = ModerationForm(
        request.POST or None,
        initial={"reason": comment.moderation_reason, "text": comment.text},
    )
    if request.method == "POST" and form.is_valid():
        done = staff_action_run(
            request, lambda: _decision(comment, form, request), _("The decision is saved.")
        )
        if done:
            return HttpResponseRedirect(reverse("hearings_staff:moderation"), status=303)
    return render(
        request,
        "hearings/staff/moderate.html",
        {
            "comment": comment,
            "hearing": comment.hearing,
            "pseudonym": comment.pseudonym(comment.hearing.territory_name),
            "reports": comment_reports(comment),
            "form": form,
        },
    )
