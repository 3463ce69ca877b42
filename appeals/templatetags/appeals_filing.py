"""Tags of the filing page."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from appeals.selectors.public import ActiveCategories

register = template.Library()

# Fixed markup put into an <option> as it is (format_html would escape a plain string).
ANONYMOUS_ATTRIBUTE = mark_safe(' data-anonymous="1"')  # noqa: S308 (a constant)
SELECTED_ATTRIBUTE = mark_safe(" selected")  # noqa: S308 (a constant)


@register.simple_tag
def category_options(categories: ActiveCategories, selected: str) -> SafeString:
    """The <optgroup>s of the category list, one per department, the chosen one selected.

    Made once per language and choice for as long as the categories are remembered
    (rgis.memo): the loop over every category was the largest part of rendering the
    filing page, the busiest page of the portal.
    """
    chosen = selected if selected in categories.by_slug else ""
    key = ("category_options", get_language() or "", chosen)
    html = categories.rendered.get(key)
    if html is None:
        html = categories.rendered[key] = _options(categories, chosen)
    return mark_safe(html)  # noqa: S308 (made by format_html below)


def _options(categories: ActiveCategories, chosen: str) -> str:
    return format_html_join(
        "\n",
        '<optgroup label="{}">{}</optgroup>',
        (
            (
                department.name,
                format_html_join(
                    "",
                    '<option value="{}"{}{}>{}</option>',
                    (
                        (
                            category.slug,
                            ANONYMOUS_ATTRIBUTE if category.allows_anonymous else "",
                            SELECTED_ATTRIBUTE if category.slug == chosen else "",
                            category.name,
                        )
                        for category in group
                    ),
                ),
            )
            for department, group in categories.groups
        ),
    )
