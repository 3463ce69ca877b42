"""The one hook for "published map data changed": who changed it need not know who cares.

A service that publishes a layer, or changes a plan, a parcel or a district, calls
`map_data_changed()` inside its transaction; whatever keeps a memo or a cache built from
that data (the home map's layer list, an app's own map pages) registers a listener once,
at start-up, with `map_data_changed_listen`. Listeners are cheap, run in the process that
made the change, and clear memos: other processes see the change within
RGIS_REFERENCE_MEMO_SECONDS.
"""

from collections.abc import Callable

Listener = Callable[[], None]

_listeners: list[Listener] = []


def map_data_changed_listen(listener: Listener) -> None:
    """Call `listener` each time published map data changes (registered once, idempotent)."""
    if listener not in _listeners:
        _listeners.append(listener)


def map_data_changed() -> None:
    """Tell every listener that published map data changed in this transaction."""
    for listener in list(_listeners):
        listener()
