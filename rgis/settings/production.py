"""Production settings: refuse to start without a real secret, secure cookies, HTTPS."""

import os

from .base import *  # noqa: F403
from .base import env_int

DEBUG = False

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
    # SystemExit, not ImproperlyConfigured: manage.py swallows the latter and carries on.
    raise SystemExit(
        "SECRET_KEY must be set to a random value of at least 50 characters, e.g. "
        'python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )

RGIS_PERSONAL_DATA_KEY = os.environ.get("RGIS_PERSONAL_DATA_KEY", "")
# Each key in use: the lists' entries, or the single original key where a list is empty.
_personal_keys = {
    "RGIS_PERSONAL_ENCRYPTION_KEYS": RGIS_PERSONAL_ENCRYPTION_KEYS or [RGIS_PERSONAL_DATA_KEY],  # noqa: F405
    "RGIS_PERSONAL_LOOKUP_KEYS": RGIS_PERSONAL_LOOKUP_KEYS or [RGIS_PERSONAL_DATA_KEY],  # noqa: F405
    "RGIS_LEDGER_PSEUDONYM_KEY": [RGIS_LEDGER_PSEUDONYM_KEY or RGIS_PERSONAL_DATA_KEY],  # noqa: F405
}
for _name, _keys in _personal_keys.items():
    if any(len(key) < 32 for key in _keys):
        raise SystemExit(
            "RGIS_PERSONAL_DATA_KEY must be set to a random value of at least 32 characters "
            f"(or every key of {_name} must be one): they encrypt IINs and key their hashes, "
            "and the ledger's key is kept for good; e.g. "
            'python -c "import secrets; print(secrets.token_urlsafe(32))"'
        )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
