"""Settings for the Cổng Dịch vụ công portal, read from the environment (partners' systems:
settings_integration.py; national-portal sync: settings_national.py).

Every variable is documented in docs/configuration.md. Development defaults are safe and
need nothing installed (SQLite under var/, files on local disk, an embedded Celery broker);
production sets DEBUG=false and the variables listed there.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from portal.settings_integration import integration_beat_schedule, integration_settings
from portal.settings_national import national_sync_beat_schedule, national_sync_settings

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional, never committed

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="dev-insecure-secret-key-change-me" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
SITE_ID = 1

# The province this deployment serves (onestop/province.py: the header, paper, e-mails). Its full
# name carries its kind ("Thành phố Hồ Chí Minh", "Tỉnh Đồng Nai"): since 1/7/2025 (two-tier local
# government) the demo's communes and wards belong to Thành phố Hồ Chí Minh.
PROVINCE_NAME = env.str("PROVINCE_NAME", default="Thành phố Hồ Chí Minh")
PROVINCE_PLACE = env.str("PROVINCE_PLACE", default="")  # empty: PROVINCE_NAME
PROVINCE_EMBLEM = env.str("PROVINCE_EMBLEM", default="img/emblem.svg")
PROVINCE_HOTLINE = env.str("PROVINCE_HOTLINE", default="1022")
PROVINCE_ADDRESS = env.str(
    "PROVINCE_ADDRESS", default="Số 86 đường Lê Thánh Tôn, phường Sài Gòn, Thành phố Hồ Chí Minh"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "portal",
    "onestop",
    "procedures",
    "payments",
]

MIDDLEWARE = [
    "portal.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "onestop.middleware.StaffMFAMiddleware",
    "portal.dbrouting.ReplicaViewsMiddleware",
    "portal.middleware.NoStoreForSignedInMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Default: SQLite under var/ (embedded demo). Production and CI: postgres://…
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
# A persistent connection is checked (one cheap round trip) before a request first uses it, so that a
# database restart or a dropped connection costs no failed request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DB_CONN_HEALTH_CHECKS", default=True)
DB_PREPARED_STATEMENTS = env.bool("DB_PREPARED_STATEMENTS", default=True)  # onestop.prepared
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the embedded Celery worker and the web server share the file.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
# Optional read replica (PostgreSQL streaming replication): the public catalogue pages read from it
# (portal/dbrouting.py). Tests mirror it onto the default database.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = DATABASES["default"]["CONN_HEALTH_CHECKS"]
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["portal.dbrouting.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Sessions are read from the cache and written through to the database (Django's cached_db) where the
# cache is shared by every process (Redis): a staff page then reads its session in one cache read
# instead of a query (issue #17). With a cache per process (the embedded default) they stay in the
# database alone: a signed-out session must not live on in another process's copy.
SHARED_CACHE = not CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache"))
SESSION_ENGINE = f"django.contrib.sessions.backends.{'cached_db' if SHARED_CACHE else 'db'}"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:after_login"
ACCOUNT_LOGOUT_REDIRECT_URL = "portal:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Dịch vụ công] "
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
# Per address, and per account+address (portal/adapters.py: the "key" includes the client address),
# with a growing delay between failures; the owner can always sign in with an e-mailed code.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "portal.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_LOGIN_ON_GET = False

# Staff must enrol TOTP before reaching the back office (production default true; the demo
# turns it off in .env written by `make run`).
REQUIRE_STAFF_MFA = env.bool("REQUIRE_STAFF_MFA", default=True)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default=f"Dịch vụ công {PROVINCE_NAME}")

# National e-ID (VNeID) through OpenID Connect: shown only when all three are set.
OIDC_SERVER_URL = env.str("OIDC_SERVER_URL", default="")
OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_ENABLED = bool(OIDC_SERVER_URL and OIDC_CLIENT_ID and OIDC_CLIENT_SECRET)
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "APPS": (
            [
                {
                    "provider_id": "vneid",
                    "name": "VNeID",
                    "client_id": OIDC_CLIENT_ID,
                    "secret": OIDC_CLIENT_SECRET,
                    "settings": {"server_url": OIDC_SERVER_URL, "fetch_userinfo": True},
                }
            ]
            if OIDC_ENABLED
            else []
        ),
        "OAUTH_PKCE_ENABLED": True,
    }
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="vi")
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "lang"

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Citizens' documents live outside any public URL; they are served only through views that
# check ownership or a staff role in the dossier's agency (STYLE §7).
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
MEDIA_URL = "/_private-no-public-url/"
# S3-compatible object storage instead of PRIVATE_MEDIA_ROOT when S3_BUCKET is set (every web and
# worker process then shares the files). Objects are never public: downloads go through the
# access-checked views (onestop/uploads/storage.py), optionally as a redirect to a URL signed for
# S3_PRESIGNED_SECONDS. The catalogue's form templates (the "default" storage) move there too.
S3_BUCKET = env.str("S3_BUCKET", default="")
S3_ENDPOINT_URL = env.str("S3_ENDPOINT_URL", default="")  # empty = AWS; MinIO, Ceph, Viettel/FPT S3…
S3_ACCESS_KEY_ID = env.str("S3_ACCESS_KEY_ID", default="")
S3_SECRET_ACCESS_KEY = env.str("S3_SECRET_ACCESS_KEY", default="")
S3_REGION = env.str("S3_REGION", default="us-east-1")
S3_ADDRESSING_STYLE = env.str("S3_ADDRESSING_STYLE", default="path")  # path | virtual
S3_PRESIGNED_DOWNLOADS = env.bool("S3_PRESIGNED_DOWNLOADS", default=False)
S3_PRESIGNED_SECONDS = env.int("S3_PRESIGNED_SECONDS", default=60)
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL or None,
            "access_key": S3_ACCESS_KEY_ID or None,
            "secret_key": S3_SECRET_ACCESS_KEY or None,
            "region_name": S3_REGION,
            "addressing_style": S3_ADDRESSING_STYLE,
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_expire": S3_PRESIGNED_SECONDS,
            "file_overwrite": False,
        },
    }
# Orphan clean-up (beat job "storage-orphan-cleanup", or `manage.py storage_cleanup`): stored objects
# without a StoredFile row older than the grace period (an interrupted upload), and StoredFile rows
# used by no dossier for STORAGE_UNUSED_FILE_DAYS (0 = keep them: the citizen's data store lists them).
STORAGE_ORPHAN_GRACE_HOURS = env.float("STORAGE_ORPHAN_GRACE_HOURS", default=24)
STORAGE_UNUSED_FILE_DAYS = env.float("STORAGE_UNUSED_FILE_DAYS", default=30)

# --- Uploads --------------------------------------------------------------------------------
# onestop/uploads/ (STYLE §7): sizes enforced while the body arrives, content sniffed against an
# allow-list of (MIME type, extension) pairs, files stored under random names in PRIVATE_MEDIA_ROOT.
UPLOAD_MAX_FILE_MB = env.int("UPLOAD_MAX_FILE_MB", default=10)
UPLOAD_MAX_DOSSIER_MB = env.int("UPLOAD_MAX_DOSSIER_MB", default=50)
UPLOAD_ALLOWED_TYPES = env.list("UPLOAD_ALLOWED_TYPES", default=["pdf", "jpg", "png", "docx", "xlsx"])
# Optional ClamAV (clamd INSTREAM). When enabled, a scanner that cannot answer rejects the upload.
CLAMAV_ENABLED = env.bool("CLAMAV_ENABLED", default=False)
CLAMAV_HOST = env.str("CLAMAV_HOST", default="127.0.0.1")
CLAMAV_PORT = env.int("CLAMAV_PORT", default=3310)
CLAMAV_SOCKET = env.str("CLAMAV_SOCKET", default="")  # UNIX socket path; when set, host and port are unused
CLAMAV_TIMEOUT = env.float("CLAMAV_TIMEOUT", default=10.0)  # seconds for connect + scan + answer
# Form fields other than files, held in memory (Django's default, stated): 2.5 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# A request whose body is at most 1 MB keeps its files in memory; larger ones go to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 1_048_576
# --- end Uploads ----------------------------------------------------------------------------

# --- E-mail ---------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Dịch vụ công <no-reply@dichvucong.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------------
# Empty broker URL = the embedded default: kombu's file-system transport under var/celery,
# consumed by the worker that `make run` starts. Production: redis://…
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or "filesystem://"
CELERY_EMBEDDED_BROKER = CELERY_BROKER_URL == "filesystem://"
CELERY_QUEUE_DIR = Path(env.str("CELERY_QUEUE_DIR", default=str(VAR_DIR / "celery")))
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }
    if CELERY_EMBEDDED_BROKER
    # A message taken by a worker that dies (acks_late: not yet acknowledged) goes back to the queue
    # this many seconds after delivery. Keep it above the longest task and the longest countdown/ETA
    # (notification retries), or such tasks are delivered twice (they are safe to run twice anyway).
    # Workers look for such messages every CELERY_RESTORE_INTERVAL seconds.
    else {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        "unacked_restore_interval": env.int("CELERY_RESTORE_INTERVAL", default=60),
        "unacked_restore_throttle": 1,
    }
)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Tasks live with their capability (STYLE §18), not in one onestop/tasks.py.
CELERY_IMPORTS = (
    "onestop.notifications.tasks",
    "onestop.deadlines.tasks",
    "onestop.uploads.tasks",
    "onestop.statistics.tasks",
)
CELERY_BEAT_SCHEDULE: dict = {}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Exactly one beat: with a Redis lock URL (default: the Redis broker) beat takes a lock before it
# schedules and renews it; a second beat waits in standby (portal/beat.py, docs/deployment.md).
BEAT_LOCK_URL = env.str("BEAT_LOCK_URL", default="") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else ""
)
BEAT_LOCK_KEY = env.str("BEAT_LOCK_KEY", default="dvc:beat-lock")
BEAT_LOCK_TTL = env.float("BEAT_LOCK_TTL", default=60)
if BEAT_LOCK_URL:
    CELERY_BEAT_SCHEDULER = "portal.beat:LockedScheduler"

# --- Notifications --------------------------------------------------------------------------
# E-mail goes through EMAIL_URL above; SMS through a pluggable backend (onestop/notifications/sms.py):
# ConsoleSMSBackend (the log) or FileSMSBackend (JSON lines) in development, HttpSMSBackend in production.
SMS_BACKEND = env.str("SMS_BACKEND", default="onestop.notifications.sms.ConsoleSMSBackend")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(VAR_DIR / "sms" / "outbox.jsonl"))
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_FORMAT = env.str("SMS_GATEWAY_FORMAT", default="json")  # json | form
SMS_GATEWAY_USERNAME = env.str("SMS_GATEWAY_USERNAME", default="")
SMS_GATEWAY_PASSWORD = env.str("SMS_GATEWAY_PASSWORD", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=10.0)
SMS_SENDER_NAME = env.str("SMS_SENDER_NAME", default="DVC")  # the registered brandname
# Without diacritics an SMS part holds 160 GSM-7 characters instead of 70 UCS-2 ones.
SMS_ASCII_ONLY = env.bool("SMS_ASCII_ONLY", default=True)
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=5)
NOTIFICATION_RETRY_BASE_SECONDS = env.int("NOTIFICATION_RETRY_BASE_SECONDS", default=60)
# /readyz reports notifications still queued after this many minutes (portal/health.py).
READYZ_BACKLOG_MINUTES = env.int("READYZ_BACKLOG_MINUTES", default=15)
CELERY_BEAT_SCHEDULE["notifications-requeue-stale"] = {
    "task": "onestop.requeue_stale_notifications",
    "schedule": 300.0,
}

# --- Deadlines ------------------------------------------------------------------------------
# onestop/deadlines (DESIGN §4.3): a static beat schedule. Beat is one process (docs/deployment.md);
# the sweep needs no lock anyway — a unique constraint makes a second run record and send nothing.
from celery.schedules import crontab  # noqa: E402 — kept inside this block

DEADLINE_SWEEP_SECONDS = env.int("DEADLINE_SWEEP_SECONDS", default=300)
# "Due soon" = at most this many working hours left (one working day), for the dossier and for a step.
DEADLINE_DUE_SOON_WORKING_HOURS = env.float("DEADLINE_DUE_SOON_WORKING_HOURS", default=8)
DEADLINE_STEP_DUE_SOON_WORKING_HOURS = env.float(
    "DEADLINE_STEP_DUE_SOON_WORKING_HOURS", default=DEADLINE_DUE_SOON_WORKING_HOURS
)
# Form 04 (apology and new date) is due at least one working day before the due date: remind the
# unit's approvers one working day earlier than that, while an extension is still possible.
DEADLINE_APOLOGY_REMINDER_WORKING_HOURS = env.float("DEADLINE_APOLOGY_REMINDER_WORKING_HOURS", default=16)
# Deadlines that passed longer ago than this before a sweep saw them are not announced one by one
# (first run, or the sweep stopped that long); the daily digest still counts them.
DEADLINE_LOOKBACK_DAYS = env.int("DEADLINE_LOOKBACK_DAYS", default=7)
DEADLINE_NOTIFY_BATCH_SIZE = env.int("DEADLINE_NOTIFY_BATCH_SIZE", default=200)
# A notification batch not done after this long (task lost) is queued again, at most this many crossings a sweep.
DEADLINE_REQUEUE_MINUTES = env.int("DEADLINE_REQUEUE_MINUTES", default=60)
DEADLINE_REQUEUE_LIMIT = env.int("DEADLINE_REQUEUE_LIMIT", default=20000)
# The leaders' daily digest, local time (CELERY_TIMEZONE = TIME_ZONE, Asia/Ho_Chi_Minh).
DEADLINE_DIGEST_TIME = env.str("DEADLINE_DIGEST_TIME", default="07:00")
_digest_hour, _digest_minute = DEADLINE_DIGEST_TIME.split(":")
# No expiry on the sweep: queued behind a flood of notification batches, late sweeps still run
# (each is cheap and finds only what is new); expiring them would skip sweeps for as long as the flood lasts.
CELERY_BEAT_SCHEDULE["deadlines-sweep"] = {"task": "onestop.deadline_sweep", "schedule": float(DEADLINE_SWEEP_SECONDS)}
CELERY_BEAT_SCHEDULE["deadlines-daily-digest"] = {
    "task": "onestop.deadline_digest",
    "schedule": crontab(hour=int(_digest_hour), minute=int(_digest_minute)),
    "options": {"expires": 6 * 3600.0},  # a digest still queued 6 hours later is no longer news
}

CELERY_BEAT_SCHEDULE["storage-orphan-cleanup"] = {
    "task": "onestop.storage_cleanup",
    "schedule": crontab(hour=2, minute=30),  # local time, a quiet hour
    "options": {"expires": 6 * 3600.0},
}

# --- Statistics (onestop/statistics, issue 12) ----------------------------------------------
# The daily roll-up: every hour the last STATISTICS_ROLLUP_DAYS whole days are recomputed (idempotent);
# `manage.py statistics_rebuild --from … --to …` rebuilds older ranges.
STATISTICS_ROLLUP_DAYS = env.int("STATISTICS_ROLLUP_DAYS", default=7)
CELERY_BEAT_SCHEDULE["statistics-rollup"] = {
    "task": "onestop.statistics_rollup",
    "schedule": crontab(minute=10),  # hourly, ten past (the first run after midnight closes the day)
    "options": {"expires": 3600.0},
}
# Who pays online (payments/ imports onestop/, never the reverse): named here, imported when used.
STATISTICS_PAYMENT_SUMMARY = "payments.selectors.payment_channel_summary"
# Open data (/api/v1/open-data/service-statistics/): the licence stated with every answer, and its rate limit.
OPEN_DATA_LICENCE = env.str("OPEN_DATA_LICENCE", default="CC BY 4.0")
OPEN_DATA_LICENCE_URL = env.str("OPEN_DATA_LICENCE_URL", default="https://creativecommons.org/licenses/by/4.0/")
OPEN_DATA_RATE = env.str("OPEN_DATA_RATE", default="60/min")

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # The API authenticates with the site's session (one login: allauth's rate limits and TOTP);
    # partners' systems use scoped bearer tokens on their own endpoints only (onestop.integration).
    # No password authentication (HTTP Basic) on the API.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cổng Dịch vụ công — API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {
        "ProcedureChannelEnum": "procedures.models.Channel",
        "DossierChannelEnum": "onestop.models.DossierChannel",
        "DossierStatusEnum": "onestop.models.DossierStatus",
        "PaymentStatusEnum": "payments.models.PaymentStatus",
    },
    # Swagger UI from local files (no CDN), loaded by the CSP-friendly split view.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation documents its error answers (400/401/403/404/429), not only its 200.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api_schema.document_error_responses",
    ],
}

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", default=False) else None
# Reverse proxies whose X-Forwarded-For is believed (IPs or CIDRs); empty = REMOTE_ADDR only
# (onestop/client_ip.py: rate limits and logs).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Content-Security-Policy (django-csp): no inline script or style anywhere; every asset local.
_form_action = [SELF]
if OIDC_ENABLED:
    # Chrome applies form-action to the redirect that follows the VNeID login form.
    from urllib.parse import urlsplit

    _oidc = urlsplit(OIDC_SERVER_URL)
    _form_action.append(f"{_oidc.scheme}://{_oidc.netloc}")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": _form_action,
    }
}

# Structured logs (portal/observability.py): one JSON object per line with the request id (which
# Celery tasks carry on), or a console format for development.
LOG_FORMAT = env.str("LOG_FORMAT", default="console" if DEBUG else "json")
# One line per request (method, path, status, duration, client address): on by default with JSON logs.
LOG_REQUESTS = env.bool("LOG_REQUESTS", default=LOG_FORMAT == "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.observability.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "portal.observability.JsonFormatter"},
        "console": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Who an agency admin may manage in /admin/ (a function of user= returning agency ids, None = all).
# Named here so that procedures/ can scope its admin without importing onestop/ (DESIGN §4).
AGENCY_ADMIN_SCOPE = "onestop.selectors.agencies_administered_by"

# Labels used in the header and the admin.
SITE_TITLE = _("Public Service Portal")

# --- Payments (payments/, DESIGN §4.4) ------------------------------------------------------
# The gateway is a registered plug-in (payments/registry.py): "vnpay" in production, "sandbox" (the
# built-in simulated bank, same protocol, its own pages under /thanh-toan/sandbox/) for the demo
# and the tests. `check --deploy` refuses the sandbox and a missing hash secret (payments/checks.py).
PAYMENT_PROVIDER = env.str("PAYMENT_PROVIDER", default="sandbox")
VNPAY_TMN_CODE = env.str("VNPAY_TMN_CODE", default="DVCDEMO1")
# Development gets a fixed demo secret; production must set its own (nothing secret in git).
VNPAY_HASH_SECRET = env.str("VNPAY_HASH_SECRET", default="demo-sandbox-hash-secret-not-for-production" if DEBUG else "")
# Empty: the built-in sandbox on this site (/thanh-toan/sandbox/vpcpay/ and …/querydr/).
VNPAY_PAYMENT_URL = env.str("VNPAY_PAYMENT_URL", default="")
VNPAY_API_URL = env.str("VNPAY_API_URL", default="")
PAYMENT_EXPIRY_MINUTES = env.int("PAYMENT_EXPIRY_MINUTES", default=15)
PAYMENT_GATEWAY_TIMEOUT = env.float("PAYMENT_GATEWAY_TIMEOUT", default=15.0)
# How often the beat asks the gateway (querydr) about attempts still pending after their expiry.
PAYMENT_RECONCILE_SECONDS = env.int("PAYMENT_RECONCILE_SECONDS", default=300)
CELERY_IMPORTS = (*CELERY_IMPORTS, "payments.tasks", "payments.receipts")
CELERY_BEAT_SCHEDULE["payments-reconcile"] = {
    "task": "payments.reconcile",
    "schedule": float(PAYMENT_RECONCILE_SECONDS),
    "options": {"expires": float(PAYMENT_RECONCILE_SECONDS)},
}
if VNPAY_PAYMENT_URL:
    # Chrome applies form-action to the redirect that follows the pay button's POST.
    from urllib.parse import urlsplit as _urlsplit

    _gateway = _urlsplit(VNPAY_PAYMENT_URL)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(f"{_gateway.scheme}://{_gateway.netloc}")
# --- end Payments ---------------------------------------------------------------------------

# --- Postal (onestop/postal/, DESIGN §4.5) -------------------------------------------------
# UPU S10 item numbers: a two-letter service indicator, per agency code when set ("RR" registered).
POSTAL_ITEM_PREFIX = env.str("POSTAL_ITEM_PREFIX", default="RR")
POSTAL_ITEM_PREFIXES = env.dict("POSTAL_ITEM_PREFIXES", default={})
# Failed delivery attempts before the post returns the result to the agency.
POSTAL_MAX_ATTEMPTS = env.int("POSTAL_MAX_ATTEMPTS", default=3)
# --- end Postal ----------------------------------------------------------------------------

# --- National portal sync (onestop/national/, DESIGN §4.7, docs/integration.md): settings_national.py
_national = national_sync_settings(env, var_dir=VAR_DIR)
vars().update(_national)
CELERY_IMPORTS = (*CELERY_IMPORTS, "onestop.national.tasks")
CELERY_BEAT_SCHEDULE.update(national_sync_beat_schedule(_national))
# --- end National portal sync ---------------------------------------------------------------
# --- Partners' systems (onestop/integration/, issue 13, docs/integration.md): settings_integration.py
_integration = integration_settings(env, debug=DEBUG)
vars().update(_integration)
CELERY_IMPORTS = (*CELERY_IMPORTS, "onestop.integration.webhooks.tasks")
CELERY_BEAT_SCHEDULE.update(integration_beat_schedule(_integration))
# --- end Partners' systems ------------------------------------------------------------------

# --- Signed e-results (onestop/esign/, issue 13) --------------------------------------------
# Each agency's signing certificate is ESIGN_PKCS12_DIR/<agency code>.p12 (a unit without one signs
# with its nearest ancestor's), all with ESIGN_PKCS12_PASSWORD; ESIGN_TRUST_ROOTS lists the CA
# certificates (PEM) /xac-thuc/ accepts. Empty directory: results are stored as uploaded (unsigned).
# The demo (DEBUG) uses var/esign, which seed_demo fills with a test CA and agency certificates.
ESIGN_PKCS12_DIR = env.str("ESIGN_PKCS12_DIR", default=str(VAR_DIR / "esign") if DEBUG else "")
ESIGN_PKCS12_PASSWORD = env.str("ESIGN_PKCS12_PASSWORD", default="demo-esign" if DEBUG else "")
ESIGN_TRUST_ROOTS = env.list(
    "ESIGN_TRUST_ROOTS", default=[str(Path(ESIGN_PKCS12_DIR) / "ca.pem")] if ESIGN_PKCS12_DIR else []
)
# /xac-thuc/: uploads checked per client address and window (like /tra-cuu/).
ESIGN_VERIFY_LIMIT = env.int("ESIGN_VERIFY_LIMIT", default=20)
# --- end Signed e-results -------------------------------------------------------------------
# --- Satisfaction evaluation (onestop/satisfaction/, issue #12) ---------------------------------
# How long the applicant may change an evaluation after giving it (days), and which overall answers
# count as "satisfied" in the figures (Decision 766/QĐ-TTg; onestop/satisfaction/rules.py).
SATISFACTION_REVISION_DAYS = env.int("SATISFACTION_REVISION_DAYS", default=7)
SATISFACTION_SATISFIED_ANSWERS = env.list("SATISFACTION_SATISFIED_ANSWERS", default=["very_satisfied", "satisfied"])
# --- end Satisfaction ---------------------------------------------------------------------------
