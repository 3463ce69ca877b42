"""The site search: each app registers a provider for what it can find.

The search page (rgis.views.search) asks every registered provider, in `order`, for the
results of a query and renders each provider's results with the provider's template (a
heading and a list of `results`). Apps register theirs in AppConfig.ready(): the platform
names no app, and a new kind of result (a cadastral number, an application number, an
address) is a new provider in the app that owns it.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SearchProvider:
    order: int  # lower comes first on the page
    name: str  # one provider per name
    template: str  # renders `results`
    search: Callable[[str], Sequence[object]]  # the results for a query (2-200 characters)


@dataclass(frozen=True)
class SearchSection:
    """One provider's results for a query, for the search page."""

    template: str
    results: Sequence[object]


_search_providers: dict[str, SearchProvider] = {}


def search_provider_register(
    *, order: int, name: str, template: str, search: Callable[[str], Sequence[object]]
) -> None:
    """Declare a search provider (called by apps in AppConfig.ready())."""
    _search_providers[name] = SearchProvider(order, name, template, search)


def search_providers() -> tuple[SearchProvider, ...]:
    return tuple(sorted(_search_providers.values(), key=lambda provider: provider.order))


def search_sections(query: str) -> list[SearchSection]:
    """Each provider's results for `query`, in order; providers that found nothing left out."""
    sections = []
    for provider in search_providers():
        results = provider.search(query)
        if results:
            sections.append(SearchSection(provider.template, results))
    return sections
