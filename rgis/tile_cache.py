"""The tile cache backend: Django's file cache, without its two costs on every write."""

import itertools
import os
import pickle
import zlib
from typing import Any

from django.core.cache.backends.filebased import FileBasedCache

GZIP_MAGIC = b"\x1f\x8b"

# Writes per cache directory in this process, shared by the threads' cache instances
# (Django makes one per thread); next() on a count is atomic under the GIL.
_writes: dict[str, itertools.count] = {}


class TileFileCache(FileBasedCache):
    """FileBasedCache that looks whether to cull every CULL_EVERY writes, not on each.

    Django lists the whole cache directory on every set() to compare the number of files
    with MAX_ENTRIES: a scan of up to MAX_ENTRIES names for each tile made. Here each
    process looks on its first write and then every CULL_EVERY (OPTIONS, default 1000)
    writes, so the cache may pass MAX_ENTRIES by that many per process before it is cut.

    Values already gzip-compressed (the geodata tiles) are stored with zlib level 0: the
    file format stays Django's, but the second compression, which gains nothing on
    compressed bytes, is skipped.
    """

    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        super().__init__(dir, params)
        self._cull_every = max(1, int(params.get("OPTIONS", {}).get("CULL_EVERY", 1000)))
        self._writes = _writes.setdefault(os.path.abspath(dir), itertools.count())

    def _cull(self) -> None:
        if next(self._writes) % self._cull_every == 0:
            super()._cull()  # type: ignore[misc]  # Django's, missing from django-stubs

    def _write_content(self, file: Any, timeout: Any, value: Any) -> None:
        compressed = isinstance(value, bytes) and value.startswith(GZIP_MAGIC)
        expiry = self.get_backend_timeout(timeout)
        file.write(pickle.dumps(expiry, self.pickle_protocol))
        level = 0 if compressed else -1  # -1: zlib's default, as Django's
        file.write(zlib.compress(pickle.dumps(value, self.pickle_protocol), level))
