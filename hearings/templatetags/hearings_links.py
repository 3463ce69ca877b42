"""The plan's page links to its hearing: a tag geodata's template loads, so that geodata
(a layer below hearings) imports nothing of this app."""

from django import template

from hearings.models import Hearing
from hearings.selectors.discussion import hearing_open_for_plan

register = template.Library()


@register.simple_tag
def plan_hearing(plan_id: int) -> Hearing | None:
    """The plan's latest public hearing, or None."""
    return hearing_open_for_plan(plan_id)
