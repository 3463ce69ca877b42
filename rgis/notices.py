"""Home-page notices: each app registers a provider of what a visitor should know now.

The home page (rgis/templates/rgis/home.html, through the `home_notices` tag) asks every
registered provider, in `order`, for its notices and renders them with the provider's
template (which gets `notices`). Apps register theirs in AppConfig.ready(): the platform
names no app, and a new kind of notice (an open hearing, a queue's new list) is a new
provider in the app that owns it. A provider with nothing to say now is left out.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class NoticeProvider:
    order: int  # lower comes first on the page
    name: str  # one provider per name
    template: str  # renders `notices`
    notices: Callable[[], Sequence[object]]  # what to tell a visitor now (often nothing)


@dataclass(frozen=True)
class NoticeSection:
    """One provider's notices, for the home page."""

    template: str
    notices: Sequence[object]


_notice_providers: dict[str, NoticeProvider] = {}


def notice_provider_register(
    *, order: int, name: str, template: str, notices: Callable[[], Sequence[object]]
) -> None:
    """Declare a home-page notice provider (called by apps in AppConfig.ready())."""
    _notice_providers[name] = NoticeProvider(order, name, template, notices)


def notice_providers() -> tuple[NoticeProvider, ...]:
    return tuple(sorted(_notice_providers.values(), key=lambda provider: provider.order))


def notice_sections() -> list[NoticeSection]:
    """Each provider's notices now, in order; providers with none left out."""
    sections = []
    for provider in notice_providers():
        notices = provider.notices()
        if notices:
            sections.append(NoticeSection(provider.template, notices))
    return sections
