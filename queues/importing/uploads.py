"""Register files between the officer's preview and their confirmation (web door only).

A register holds IINs and names: the file waits encrypted with the personal-data key in a
private folder (never under MEDIA_ROOT, which a proxy may serve), and is deleted once
imported or after a day.
"""

import base64
import secrets
import time
from pathlib import Path

from django.conf import settings

from rgis.personal import personal_decrypt, personal_encrypt

KEEP_SECONDS = 24 * 3600


def _folder() -> Path:
    folder = Path(settings.RGIS_QUEUE_IMPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(token: str) -> Path | None:
    if not token.isalnum() or len(token) != 32:
        return None
    return _folder() / f"{token}.bin"


def upload_keep(data: bytes) -> str:
    """Keep an uploaded register until confirmed; returns its token."""
    folder = _folder()
    now = time.time()
    for stale in folder.glob("*.bin"):
        if now - stale.stat().st_mtime > KEEP_SECONDS:
            stale.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    (folder / f"{token}.bin").write_text(personal_encrypt(base64.b64encode(data).decode()))
    return token


def upload_read(token: str) -> bytes | None:
    """The kept register, or None when it is gone (imported, expired or never there)."""
    path = _path(token)
    if path is None or not path.is_file():
        return None
    try:
        return base64.b64decode(personal_decrypt(path.read_text()), validate=True)
    except ValueError:  # written under another personal-data key
        return None


def upload_discard(token: str) -> None:
    path = _path(token)
    if path is not None:
        path.unlink(missing_ok=True)
