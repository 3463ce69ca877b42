"""The static files' storage: WhiteNoise's compressed manifest storage, remembering URLs."""

from typing import Any

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

URLS_REMEMBERED = 1000


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage, remembering the URL of each file a page links to.

    Every {% static %} looks its file up in the manifest and builds the URL again (about
    30 µs, six times on the filing page). The manifest is read once per process and never
    changes while the process runs, so neither does a file's URL.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[tuple[str, bool, bool], str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if name is None:
            return super().url(name, force)
        key = (name, force, settings.DEBUG)  # DEBUG links to the unhashed names
        url = self._urls.get(key)
        if url is None:
            url = super().url(name, force)
            if len(self._urls) < URLS_REMEMBERED:
                self._urls[key] = url
        return url
