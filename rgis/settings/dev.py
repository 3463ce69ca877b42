"""Development settings: `make run` uses these."""

import os
import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR


def _local_secret_key() -> str:
    """A random key kept in var/ so sessions survive restarts; never committed."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = os.environ.get("DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
# Personal data of development and demo records only: a key kept beside the secret key.
RGIS_PERSONAL_DATA_KEY = os.environ.get("RGIS_PERSONAL_DATA_KEY") or _local_secret_key()

# --- Mail and background jobs (issue 12) ---
# Letters of `make run` (the demo queue sends about a thousand) become files in var/mail/.
if not os.environ.get("EMAIL_URL"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
