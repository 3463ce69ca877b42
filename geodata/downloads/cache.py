"""The download cache: each file built once, by one process, then read by every request."""

import fcntl
import os
import tempfile
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from geodata.downloads.formats import DownloadRefused, download_filename
from geodata.downloads.writers import version_file_write
from geodata.models import LayerVersion


def download_cache_path(version: LayerVersion, *, file_format: str, srid: int) -> Path:
    """Where the download cache keeps this file (whether it is there yet or not)."""
    # The upload time too: ids start again in a re-created database, the cache survives it.
    folder = f"{version.pk}-{version.uploaded_at.timestamp():.6f}"
    root = Path(settings.RGIS_DOWNLOAD_CACHE_DIR)
    return root / folder / download_filename(version, file_format, srid)


def version_file_open(version: LayerVersion, *, file_format: str, srid: int) -> IO[bytes]:
    """The published version as a file open for reading, built once into the cache.

    Two requests for a file not built yet do not build it twice: the second waits for
    the first under a file lock (shared by every process on the cache's disk), then reads.
    """
    if not version.is_published:
        raise DownloadRefused(_("This version is not published."), status=404)
    path = download_cache_path(version, file_format=file_format, srid=srid)
    try:
        return path.open("rb")
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f".{path.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not path.exists():
                with tempfile.TemporaryDirectory(prefix=".build-", dir=path.parent) as work:
                    built = version_file_write(
                        version, file_format=file_format, srid=srid, directory=Path(work)
                    )
                    # Appears whole or not at all: a reader never sees half a file.
                    os.replace(built, path)
            return path.open("rb")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
