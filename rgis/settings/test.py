"""Test settings: the same PostGIS as development, faster password hashing."""

from .dev import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
RGIS_BASEMAP_URL = ""
# Each test run starts with an empty tile cache.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "tiles": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tiles"},
}
# Transactional tests empty every table with TRUNCATE between tests; the queue ledger's
# trigger allows that only on connections that carry this setting (see queues migration 0002).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c rgis.test_flush=on"  # noqa: F405

# --- Mail and background jobs (issue 12) ---
# Letters stay in memory (django.core.mail.outbox), also in worker processes the tests
# start, unless a test gives them an EMAIL_URL (a real SMTP server).
import os  # noqa: E402

if not os.environ.get("EMAIL_URL"):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
