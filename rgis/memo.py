"""Reference data remembered per process for a few seconds (categories, the work calendar).

Every filing page and every appeal filed read the same few rows that staff change a few
times a year; reading them for each request cost a third of the page's time and two round
trips. A ProcessMemo keeps what its reader returned for RGIS_REFERENCE_MEMO_SECONDS: this
process sees a change at once where the change is made through the admin (which clears the
memo after the commit), the other processes within that lifetime; 0 reads every time.

What a memo holds is shared by every thread of the process: callers must not change it.
"""

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.conf import settings
from django.db import transaction

T = TypeVar("T")

_every_memo: list["ProcessMemo"] = []


class ProcessMemo(Generic[T]):
    """The value `read()` returns, kept for the reference memo's lifetime."""

    def __init__(self, read: Callable[[], T]) -> None:
        self._read = read
        self._kept: tuple[T, float] | None = None
        # A clear that falls between a read and its storing must not be undone by it.
        self._generation = 0
        self._lock = threading.Lock()
        _every_memo.append(self)

    def get(self) -> T:
        lifetime = settings.RGIS_REFERENCE_MEMO_SECONDS
        kept = self._kept
        if kept is not None and time.monotonic() - kept[1] < lifetime:
            return kept[0]
        generation = self._generation
        value = self._read()
        if lifetime > 0:
            with self._lock:
                if generation == self._generation:
                    self._kept = (value, time.monotonic())
        return value

    def clear(self) -> None:
        """Forget the value (this process only): the next get() reads again."""
        with self._lock:
            self._generation += 1
            self._kept = None

    def clear_on_commit(self) -> None:
        """Forget the value once the current transaction commits (at once outside one)."""
        transaction.on_commit(self.clear)


def process_memos_clear() -> None:
    """Forget every memo's value in this process (tests start with none)."""
    for memo in _every_memo:
        memo.clear()
