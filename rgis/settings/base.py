"""Settings shared by every environment; everything site-specific comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("RGIS_VAR_DIR", BASE_DIR / "var"))


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated environment variable as a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


DEFAULT_DATABASE_URL = "postgis://rgis:rgis@127.0.0.1:5432/rgis"
DATABASE_URL = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)

DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
    ),
}
# Django's PostGIS backend; health checks only after a connection sat idle (see there).
DATABASES["default"]["ENGINE"] = "rgis.postgis"
# Read replicas (streaming replication), e.g. "postgis://rgis@replica1/rgis,postgis://...".
for index, replica_url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    replica = dj_database_url.parse(replica_url, conn_max_age=60, conn_health_checks=True)
    replica["ENGINE"] = "rgis.postgis"
    replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{index}"] = replica
DATABASE_ROUTERS = ["rgis.db_routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    # Before django_tasks_db: our db_worker command (jobs with a lease) replaces theirs.
    "rgis",
    "django_tasks",
    "django_tasks_db",
    "staff",
    "geodata",
    "parcels",
    "queues",
    "appeals",
    # Public hearings on draft plans (issue 14): stands above geodata, parcels and appeals.
    "hearings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "rgis.middleware.LocaleMiddleware",  # Django's, without Vary: Accept-Language on tiles
    "rgis.middleware.UploadSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "rgis.urls"
WSGI_APPLICATION = "rgis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rgis.context_processors.portal",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "home"

# Languages: Kazakh is the state language and the default; Russian and English follow.
LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "rgis" / "locale"]
# Django ships no formats module for kk: ours lives in rgis/formats/kk/.
FORMAT_MODULE_PATH = ["rgis.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Almaty")

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
# Third-party front-end libraries, copied from node_modules by `make assets`.
STATICFILES_DIRS = [("vendor", VAR_DIR / "vendor")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "rgis.static_storage.StaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# Uploads: anything bigger than this is refused before it is read into memory.
RGIS_MAX_UPLOAD_MB = env_int("RGIS_MAX_UPLOAD_MB", 200)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = os.environ.get("FILE_UPLOAD_TEMP_DIR") or None

# Geometry is stored in this SRID; the CRS each file arrived in is recorded beside its data.
# Set it before the first `migrate`: geometry columns are created with it.
RGIS_STORAGE_SRID = env_int("RGIS_STORAGE_SRID", 4326)

# The map shell.  An empty base-map URL means no base map (the portal works fully offline).
RGIS_BASEMAP_URL = os.environ.get(
    "RGIS_BASEMAP_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
RGIS_BASEMAP_ATTRIBUTION = os.environ.get(
    "RGIS_BASEMAP_ATTRIBUTION", "&copy; OpenStreetMap contributors"
)
RGIS_MAP_CENTER = (42.8983, 71.3667)  # Taraz, 42°53′N 71°22′E
RGIS_MAP_ZOOM = 12
RGIS_CITY_NAME = _("Taraz")

# Caches: the default is per process; vector tiles go to files every worker on the node
# shares (the proxy caches them again in front).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "tiles": {
        # Django's FileBasedCache, culling less often (see rgis/tile_cache.py).
        "BACKEND": "rgis.tile_cache.TileFileCache",
        "LOCATION": str(Path(os.environ.get("RGIS_TILE_CACHE_DIR", VAR_DIR / "tile-cache"))),
        "OPTIONS": {"MAX_ENTRIES": env_int("RGIS_TILE_CACHE_ENTRIES", 200000)},
    },
}
RGIS_TILE_MAX_AGE = env_int("RGIS_TILE_MAX_AGE", 3600)
RGIS_TILE_TIMEOUT_MS = env_int("RGIS_TILE_TIMEOUT_MS", 5000)
# How long each web process trusts its memory of a layer's current version for tiles: a
# layer unpublished or archived stops being served within this (the proxy keeps serving
# the tiles it holds for RGIS_TILE_MAX_AGE); 0 reads it for every tile.
RGIS_TILE_LAYER_MEMO_SECONDS = float(os.environ.get("RGIS_TILE_LAYER_MEMO_SECONDS", 2))

# Background jobs: Django's tasks API (backport) with the database backend, no broker.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "imports", "notifications"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Django warns that GDAL < 3.9 cannot block file and network access while parsing a
# spatial reference. Debian 12 ships GDAL 3.6; the portal parses user-supplied CRS
# definitions with pyproj, never with GDAL's OSR, and the Docker image ships GDAL >= 3.9.
SILENCED_SYSTEM_CHECKS: list[str] = []
if os.environ.get("RGIS_ALLOW_OLD_GDAL", "1") == "1":
    from django.contrib.gis.gdal import GDAL_VERSION

    if GDAL_VERSION < (3, 9):
        SILENCED_SYSTEM_CHECKS.append("gis.W001")

# The import core (geodata/importing): limits against zip bombs, and the datum shift.
RGIS_IMPORT_MAX_UNPACKED_MB = env_int("RGIS_IMPORT_MAX_UNPACKED_MB", 2000)
RGIS_IMPORT_MAX_COMPRESSION_RATIO = env_int("RGIS_IMPORT_MAX_COMPRESSION_RATIO", 100)
RGIS_IMPORT_MAX_ZIP_ENTRIES = env_int("RGIS_IMPORT_MAX_ZIP_ENTRIES", 10000)
RGIS_IMPORT_BATCH_SIZE = env_int("RGIS_IMPORT_BATCH_SIZE", 5000)
# Pulkovo 1942 -> WGS 84 for Kazakhstan (DOMAIN.md; unconfirmed, hence a setting).
RGIS_PULKOVO_TO_WGS84_OPERATION = os.environ.get("RGIS_PULKOVO_TO_WGS84_OPERATION", "EPSG:1291")

# Land-plot queues (queues app). The original single personal-data key: where the key
# lists below are empty it is their one key (it encrypts IINs and keys their look-up hash),
# and it is the default of the ledger's pseudonym key, which never changes.
RGIS_PERSONAL_DATA_KEY = os.environ.get("RGIS_PERSONAL_DATA_KEY", "")
# Region and district codes that start this city's cadastral numbers (DOMAIN: unconfirmed).
RGIS_CADASTRE_REGION_CODE = os.environ.get("RGIS_CADASTRE_REGION_CODE", "06")
RGIS_CADASTRE_DISTRICT_CODE = os.environ.get("RGIS_CADASTRE_DISTRICT_CODE", "097")
# Days a queue applicant has to accept an offered plot before it goes to the next in line.
RGIS_QUEUE_OFFER_DAYS = env_int("RGIS_QUEUE_OFFER_DAYS", 30)
# Applicants with an e-mail are told once when they come within this many places of the head.
RGIS_QUEUE_NOTIFY_WITHIN = env_int("RGIS_QUEUE_NOTIFY_WITHIN", 10)
# Look-ups by IIN one client may make per window (an IIN guessed by trying is a privacy leak).
RGIS_QUEUE_IIN_LOOKUP_LIMIT = env_int("RGIS_QUEUE_IIN_LOOKUP_LIMIT", 10)
RGIS_QUEUE_IIN_LOOKUP_WINDOW = env_int("RGIS_QUEUE_IIN_LOOKUP_WINDOW", 3600)
# Uploaded register files wait here for the second officer's approval.
RGIS_QUEUE_IMPORT_DIR = Path(os.environ.get("RGIS_QUEUE_IMPORT_DIR", VAR_DIR / "queue-imports"))
# How often a queue's public ledger is re-verified, and the longest ledger a page view
# verifies inline (longer ones are verified by a background job).
RGIS_LEDGER_CHECK_SECONDS = env_int("RGIS_LEDGER_CHECK_SECONDS", 600)
RGIS_LEDGER_CHECK_INLINE_MAX = env_int("RGIS_LEDGER_CHECK_INLINE_MAX", 20_000)

# Appeals (appeals app): office hours end at this local time; an appeal received later is
# registered the next working day (АППК art. 64).
RGIS_APPEALS_OFFICE_CLOSES = os.environ.get("RGIS_APPEALS_OFFICE_CLOSES", "18:30")
# Appeals one client may file per window ("<count>/<window>", the window in s, m or h).
RGIS_APPEALS_RATE = os.environ.get("RGIS_APPEALS_RATE", "5/10m")
# How long a web process trusts its memory of reference data staff rarely change (appeal
# categories and departments, the work calendar): a change made in the admin shows at once
# in the process that made it, in the others within this; 0 reads it for every request.
RGIS_REFERENCE_MEMO_SECONDS = float(os.environ.get("RGIS_REFERENCE_MEMO_SECONDS", 5))
# Pins outside this box (west, south, east, north in degrees) are refused: Taraz and around.
RGIS_APPEALS_BOUNDS = tuple(
    float(value) for value in env_list("RGIS_APPEALS_BOUNDS", "71.15,42.78,71.60,43.05")
)
RGIS_APPEALS_PHOTO_MAX_MB = env_int("RGIS_APPEALS_PHOTO_MAX_MB", 15)
# Departments' areas for routing: a published layer "<plan>.<layer>" and the attribute of its
# features holding the department's code. Empty: appeals go to their category's department.
RGIS_APPEALS_AREAS_LAYER = os.environ.get("RGIS_APPEALS_AREAS_LAYER", "")
RGIS_APPEALS_AREAS_ATTRIBUTE = os.environ.get("RGIS_APPEALS_AREAS_ATTRIBUTE", "department")
# The portal's public address, for links in e-mails (e.g. https://rgis.taraz.kz); empty
# gives links relative to the site.
RGIS_PUBLIC_URL = os.environ.get("RGIS_PUBLIC_URL", "")

# --- Who a client is, for rate limits (issue 12) ---
# Proxies (addresses or CIDR networks, comma separated) whose X-Forwarded-For is believed:
# the client is the first address, read from the right, that is not one of them. Default:
# loopback and the private ranges (our nginx, a load balancer on the LAN); add a balancer
# that has a public address. Anything a client writes itself is never believed.
RGIS_TRUSTED_PROXIES = env_list(
    "RGIS_TRUSTED_PROXIES", "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7"
)
# An IPv6 client is counted by its network of this many bits: a subscriber gets a /64 (or
# a /56) and can pick any address in it.
RGIS_RATE_IPV6_PREFIX = env_int("RGIS_RATE_IPV6_PREFIX", 64)

# --- Photo and request body limits (issue 12) ---
# A photo may decode to at most this many pixels (counted from its header, before decoding;
# a JPEG is counted at the reduced size it is decoded at): 40 MP is ~160 MB of memory.
RGIS_APPEALS_PHOTO_MAX_PIXELS = env_int("RGIS_APPEALS_PHOTO_MAX_PIXELS", 40_000_000)
# Any request body but a planner's import is refused over this many MB (nginx too): the
# appeal form and Open311 carry at most 3 photos of RGIS_APPEALS_PHOTO_MAX_MB and some text.
RGIS_MAX_REQUEST_MB = env_int("RGIS_MAX_REQUEST_MB", 50)
# The import paths (regular expressions on the path) that get RGIS_MAX_UPLOAD_MB instead;
# docker/nginx.conf.template has the same list.
RGIS_LARGE_UPLOAD_PATHS = [
    r"^/api/imports/",
    r"^/[a-z]{2}/staff/imports/",
    r"^/[a-z]{2}/staff/parcels/import/",
    r"^/[a-z]{2}/staff/queues/[^/]+/import/",
]

# --- Open311 POST limits (issue 12) ---
# Requests one partner's api_key may post (e.g. "120/10m": 120 in ten minutes); more get 429.
RGIS_OPEN311_POST_RATE = os.environ.get("RGIS_OPEN311_POST_RATE", "120/10m")

# --- Bounded appeals journal (issue 12) ---
# The public journal and its CSV cover a range of received dates: the last month unless
# chosen, at most this many days; a CSV holds at most this many rows (else: narrow it).
RGIS_APPEALS_JOURNAL_MAX_DAYS = env_int("RGIS_APPEALS_JOURNAL_MAX_DAYS", 366)
RGIS_APPEALS_JOURNAL_CSV_MAX_ROWS = env_int("RGIS_APPEALS_JOURNAL_CSV_MAX_ROWS", 20000)

# --- Statement timeouts (issue 12) ---
# Every statement of a web request is cancelled after this many milliseconds and the
# visitor gets a "busy, try again" page (503) instead of holding a database backend; tiles,
# OGC and what's-here keep their own shorter limits. Commands, migrations, imports and the
# job worker run under RGIS_WORKER_STATEMENT_TIMEOUT_MS instead (0: no limit). How a
# connection knows which it is: rgis/db.py.
RGIS_WEB_STATEMENT_TIMEOUT_MS = env_int("RGIS_WEB_STATEMENT_TIMEOUT_MS", 15000)
RGIS_WORKER_STATEMENT_TIMEOUT_MS = env_int("RGIS_WORKER_STATEMENT_TIMEOUT_MS", 0)
MIDDLEWARE = [*MIDDLEWARE, "rgis.errors.StatementTimeoutMiddleware"]

# --- Two database roles (issue 12) ---
# DATABASE_OWNER_URL: the role that owns the schema (tables, triggers); `migrate` and
# `db_grant_app_role` connect as it. DATABASE_URL's role then gets row rights only (no
# TRUNCATE, no ownership), so the portal cannot drop or disable the append-only triggers.
# Unset (development): one role does both.
DATABASE_OWNER_URL = os.environ.get("DATABASE_OWNER_URL", "")
DATABASE_OWNER = dj_database_url.parse(DATABASE_OWNER_URL) if DATABASE_OWNER_URL else None

# --- Personal-data keys (issue 12) ---
# Comma-separated secrets, newest first (rgis/personal.py). Encryption of IINs at rest:
# written with the first, read with any. Look-up hashes: new ones with the first, look-ups
# try each. Add a new secret in front, run `manage.py personal_data_rotate`, then drop the
# old one. Empty: RGIS_PERSONAL_DATA_KEY alone.
RGIS_PERSONAL_ENCRYPTION_KEYS = env_list("RGIS_PERSONAL_ENCRYPTION_KEYS")
RGIS_PERSONAL_LOOKUP_KEYS = env_list("RGIS_PERSONAL_LOOKUP_KEYS")
# Keys the applicant's hash published in the queue ledger; never rotated (the published,
# append-only chain cannot be re-hashed). Empty: RGIS_PERSONAL_DATA_KEY, as always so far.
RGIS_LEDGER_PSEUDONYM_KEY = os.environ.get("RGIS_LEDGER_PSEUDONYM_KEY", "")
# personal_data_rotate: rows per transaction (each its own short transaction).
RGIS_PERSONAL_ROTATE_BATCH = env_int("RGIS_PERSONAL_ROTATE_BATCH", 200)
# --- Sign-in doors and browser-side hardening (issue 12) ---
# Failed sign-ins one user name may have, from any address, per window, before every door
# (API Basic auth, staff sign-in, admin) refuses it with 429 without checking the password.
RGIS_SIGNIN_USER_LIMIT = env_int("RGIS_SIGNIN_USER_LIMIT", 10)
# Failed sign-ins one client address may have, whatever the user names, per window.
RGIS_SIGNIN_ADDRESS_LIMIT = env_int("RGIS_SIGNIN_ADDRESS_LIMIT", 30)
# The window in minutes: counts start with the first failure and are forgotten after it.
RGIS_SIGNIN_WINDOW_MINUTES = env_int("RGIS_SIGNIN_WINDOW_MINUTES", 15)
# A staff session ends after this many hours without a request (Django's default: 2 weeks).
RGIS_STAFF_SESSION_HOURS = env_int("RGIS_STAFF_SESSION_HOURS", 8)
SESSION_COOKIE_AGE = RGIS_STAFF_SESSION_HOURS * 3600


def _networks(name: str) -> list[str]:
    """A list of CIDR networks from the environment; a typo stops the start."""
    import ipaddress

    networks = env_list(name)
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise SystemExit(f"{name}: {network!r} is not a network (CIDR)") from None
    return networks


# Networks (CIDR, comma-separated) that may reach /admin/; elsewhere it answers 404. Empty:
# from anywhere.
RGIS_ADMIN_NETWORKS = _networks("RGIS_ADMIN_NETWORKS")
# CSP with per-request nonces, short staff sessions, no-store on staff pages, /admin/ networks.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "rgis.security.SecurityHeadersMiddleware",
)
# The admin with a throttled sign-in and audited password changes (staff/admin_site.py).
INSTALLED_APPS[INSTALLED_APPS.index("django.contrib.admin")] = "staff.apps.PortalAdminConfig"
# A second factor for /admin/: "1" asks for a TOTP code (an authenticator app) besides the
# password; give each admin user a device first with `manage.py staff_totp_add USER`.
RGIS_ADMIN_OTP = os.environ.get("RGIS_ADMIN_OTP", "0") == "1"
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("rgis.security.SecurityHeadersMiddleware"),
    "django_otp.middleware.OTPMiddleware",
)

# --- Mail and background jobs (issue 12) ---
# Where letters go: smtp://user:password@host:587/?tls=1, smtps://user:password@host/,
# file:///path/to/folder, console: (rgis/email_url.py). Unset: Django's default (SMTP on
# localhost:25); development writes files under var/mail/, production warns at start-up.
from rgis.email_url import email_settings_parse  # noqa: E402

EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    globals().update(email_settings_parse(EMAIL_URL))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "e-RGIS <noreply@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# A hung mail server must not hold a worker (seconds; ?timeout= in EMAIL_URL overrides).
EMAIL_TIMEOUT = globals().get("EMAIL_TIMEOUT") or 30.0
# Every letter is a row of the outbox (rgis.OutboundLetter) sent by a job; a failed try is
# tried again after RGIS_MAIL_RETRY_SECONDS × 2^(tries − 1) (1, 2, 4 … 64 minutes: about
# two hours in all), then listed on the staff page "Undelivered letters" for a retry by hand.
RGIS_MAIL_MAX_ATTEMPTS = env_int("RGIS_MAIL_MAX_ATTEMPTS", 8)
RGIS_MAIL_RETRY_SECONDS = float(os.environ.get("RGIS_MAIL_RETRY_SECONDS", 60))
# A running job holds a lease (a PostgreSQL advisory lock on its worker's own connection).
# Workers look for jobs whose worker vanished at start-up and every this many seconds, and
# run them again, at most RGIS_JOB_MAX_ATTEMPTS times in all; then the job is FAILED.
RGIS_JOB_ORPHAN_CHECK_SECONDS = float(os.environ.get("RGIS_JOB_ORPHAN_CHECK_SECONDS", 30))
RGIS_JOB_MAX_ATTEMPTS = env_int("RGIS_JOB_MAX_ATTEMPTS", 3)

# --- Plan publishing and downloads (issue 12) ---
# Downloads of published layer versions are built once per version, format and CRS and kept
# here, so an anonymous visitor's repeated download costs a file read, not a rebuild.
RGIS_DOWNLOAD_CACHE_DIR = Path(os.environ.get("RGIS_DOWNLOAD_CACHE_DIR", VAR_DIR / "downloads"))

# --- Public hearings on draft plans (issue 14, hearings app) ---
# Comments one client may send per window ("<count>/<window>", as RGIS_APPEALS_RATE).
RGIS_HEARINGS_RATE = os.environ.get("RGIS_HEARINGS_RATE", "5/10m")
# The largest document (a PDF of the explanatory note, a drawing) an organiser may attach.
RGIS_HEARINGS_DOCUMENT_MAX_MB = env_int("RGIS_HEARINGS_DOCUMENT_MAX_MB", 30)
# Readers' reports (each from another browser and connection) that hide a comment until a
# moderator reviews it (Decidim hides after 3 as well).
RGIS_HEARINGS_REPORTS_TO_HIDE = env_int("RGIS_HEARINGS_REPORTS_TO_HIDE", 3)
# Reports one client may send per window, whatever the comments ("<count>/<window>").
RGIS_HEARINGS_REPORT_RATE = os.environ.get("RGIS_HEARINGS_REPORT_RATE", "10/h")
# The TrueType font of the hearings' PDF protocol: it must have the Kazakh letters (ә ғ қ ң ө
# ұ ү һ і). Debian's fonts-dejavu-core puts DejaVu Sans here (scripts/system-deps.sh); a
# "<name>-Bold.ttf" beside it is used for headings.
RGIS_HEARINGS_PROTOCOL_FONT = Path(
    os.environ.get("RGIS_HEARINGS_PROTOCOL_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
)
