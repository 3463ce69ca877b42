"""The home page's notices (rgis.notices): a tag, so that the home view stays as it is."""

from django import template

from rgis.notices import NoticeSection, notice_sections

register = template.Library()


@register.simple_tag
def home_notices() -> list[NoticeSection]:
    """Every registered provider's notices now."""
    return notice_sections()
