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
if len(RGIS_PERSONAL_DATA_KEY) < 32:
    raise SystemExit(
        "RGIS_PERSONAL_DATA_KEY must be set to a random value of at least 32 characters and "
        "kept for good (it encrypts IINs and keys their hashes), e.g. "
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
