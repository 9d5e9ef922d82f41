"""Settings, read from the environment (django-environ) with safe defaults.

No DATABASE_URL means a local SQLite file, so the demo runs without a server.
Production sets at least SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and EMAIL_URL;
see docs/operations.md, "Configure", for the full list.
"""

import sys
from datetime import timedelta
from pathlib import Path
from typing import Final

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DJANGO_DEBUG", default=False)
TESTING = "pytest" in sys.modules

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("Set SECRET_KEY (a long random string) in the environment.")
    SECRET_KEY = "development-only-key-never-use-in-production-3b7c1f0e9a"  # noqa: S105
# Rotating the key: the old one here for a while keeps sessions and reset links valid.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin, whose site asks staff for a second factor (accounts/admin_site.py).
    "accounts.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    # Two-factor sign-in: authenticator apps (TOTP) and one-time recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Background work: Django's own Tasks framework, jobs kept in the project's database.
    "django_tasks_db",
    "portal",
    "jobs",
    "accounts",
    "directory",
    "messages_app",
    "calllog",
    "oncall",
    "billing",
    "stats",
    "api",
    "webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, but a background poll does not push back the idle expiry.
    "portal.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session gave a second factor.
    "django_otp.middleware.OTPMiddleware",
    # After authentication: a signed-in user's own language wins over the cookie.
    "portal.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends sessions that were ended elsewhere or outlived SESSION_MAX_HOURS, and keeps
    # users who must set up two-factor sign-in on its page (accounts/middleware.py).
    "accounts.middleware.SessionGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.NoStoreForSignedInMiddleware",
    "portal.middleware.DownloadTokenMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The demo's web server, worker and scheduler share one SQLite file: readers do not
    # wait for the writer (WAL) and a writer waits its turn instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Tasks (django.tasks) are stored in the database and run by `manage.py db_worker`;
# on PostgreSQL each job is claimed with SELECT ... FOR UPDATE SKIP LOCKED, so any
# number of workers on any number of machines take each job once.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
CACHES["default"]["KEY_PREFIX"] = env.str("CACHE_KEY_PREFIX", default="portal")
# With a shared cache (Redis), sessions live there: any app process continues any
# session. With the per-process default cache, they stay in the database.
if "redis" in CACHES["default"]["BACKEND"].lower():
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username/address pair is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, whose user also says whether two-factor applies to them.
    "accounts.backends.PortalBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "root"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Sign-in throttling: 5 failures lock that username from that address for 15 minutes.
# The counts are rows in the database (axes' database handler, its default), so every
# app process on every machine counts the same failures, and a restart or a cache
# flush never forgets them; support sees and clears them in the admin.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# An attempt made while locked is refused and not counted: the lock ends 15 minutes after
# the failure that set it, whatever a stranger keeps trying meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind a reverse proxy, the number of proxies whose X-Forwarded-For is trusted.
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Sessions end after 30 minutes without a request (each request pushes the expiry).
SESSION_COOKIE_AGE = 60 * env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# ... and, however busy, SESSION_MAX_HOURS after sign-in (accounts/middleware.py).
SESSION_MAX_HOURS = env.int("SESSION_MAX_HOURS", default=12)

# Two-factor sign-in (docs/security.md); the authenticator app shows the service's
# name (OTP_TOTP_ISSUER, below SERVICE).
# Staff see that a user has a device in the admin (and may delete it), never its secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Accesses, sign-ins and changes are kept this long in the access log, then purged daily.
ACCESS_LOG_RETENTION_DAYS = env.int("ACCESS_LOG_RETENTION_DAYS", default=365)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "America/Toronto"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
LANGUAGE_COOKIE_SAMESITE: Final = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"  # never served: recordings stream through an access-checked view

# Recordings go through Django's storage API: local files by default, an
# S3-compatible bucket when RECORDINGS_BUCKET is set (django-storages), no code change.
_recordings_bucket = env.str("RECORDINGS_BUCKET", default="")
_exports_bucket = env.str("EXPORTS_BUCKET", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "recordings": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": _recordings_bucket,
                "endpoint_url": env.str("RECORDINGS_ENDPOINT_URL", default="") or None,
                "region_name": env.str("RECORDINGS_REGION", default="") or None,
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
        if _recordings_bucket
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": MEDIA_ROOT / "recordings"},
        }
    ),
    # Export files and e-mail attachments waiting to be sent (jobs app): a folder by
    # default, an S3-compatible bucket when EXPORTS_BUCKET is set. Every app process
    # and worker must see the same one: with several machines, use the bucket.
    "exports": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": _exports_bucket,
                "endpoint_url": env.str("EXPORTS_ENDPOINT_URL", default="") or None,
                "region_name": env.str("EXPORTS_REGION", default="") or None,
                "location": env.str("EXPORTS_PREFIX", default=""),
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
        if _exports_bucket
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": env.str("EXPORTS_ROOT", default=str(MEDIA_ROOT / "exports"))},
        }
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail: console in development, any backend by URL (smtp+tls://user:pass@host:587).
# Every e-mail (Django's mail API, whoever calls it) goes through the "default" mailer,
# which only stores it and enqueues its delivery: the worker sends it through the
# "direct" mailer (the real server), retrying with back-off, so a slow or refusing
# mail server never holds up or breaks a page (jobs/mail.py).
_email = env.email_url("EMAIL_URL", default="consolemail://")
_direct_mailer: dict = {"BACKEND": _email["EMAIL_BACKEND"]}
MAILERS = {
    "default": {"BACKEND": "jobs.mail.QueuedEmailBackend", "OPTIONS": {"mailer": "direct"}},
    "direct": _direct_mailer,
}
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    _direct_mailer["OPTIONS"] = {
        "host": _email.get("EMAIL_HOST", "localhost"),
        "port": _email.get("EMAIL_PORT") or 25,
        "username": _email.get("EMAIL_HOST_USER", ""),
        "password": _email.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": bool(_email.get("EMAIL_USE_TLS")),
        "use_ssl": bool(_email.get("EMAIL_USE_SSL")),
        "timeout": 20,
    }
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@example.com")
# The portal's own address, for links in e-mails sent outside a request (gap alerts).
PORTAL_URL = env.str("PORTAL_URL", default="http://localhost:8000")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The answering service that runs this portal: its brand comes from here, never the code.
SERVICE = {
    "name": env.str("SERVICE_NAME", default="Northwind Answering Services"),
    "short_name": env.str("SERVICE_SHORT_NAME", default="Northwind"),
    "logo": env.str("SERVICE_LOGO", default=""),  # a static path or absolute URL
    "primary_color": env.str("SERVICE_PRIMARY_COLOR", default="#1f5f8b"),
    "support_email": env.str("SERVICE_SUPPORT_EMAIL", default="service@example.com"),
    "support_phone": env.str("SERVICE_SUPPORT_PHONE", default="+1 514 555 0100"),
    # Where "Request a change" forms are sent.
    "change_request_email": env.str("SERVICE_CHANGE_EMAIL", default="service@example.com"),
    "billing_phone": env.str("SERVICE_BILLING_PHONE", default="+1 514 555 0199"),
    # Printed on invoices.
    "address": env.str("SERVICE_ADDRESS", default="1000 rue Exemple, Montréal QC  H3A 0A1"),
}

OTP_TOTP_ISSUER = SERVICE["name"]

# Messages and calls older than this are never shown and are purged by purge_expired.
RETENTION_DAYS = env.int("RETENTION_DAYS", default=60)
# Finished exports are kept this long for their owner, then deleted by the clean-up.
EXPORT_RETENTION_HOURS = env.int("EXPORT_RETENTION_HOURS", default=24)
# Exports of more rows than this (spreadsheet rows; a PDF message counts as 250) are made
# by the worker: about 2 seconds of work on the reference machine (docs/operations.md).
EXPORT_INLINE_ROWS = env.int("EXPORT_INLINE_ROWS", default=10_000)
# Finished task results (the admin's "Task results") are deleted after this many days.
TASK_RESULTS_KEPT_DAYS = env.int("TASK_RESULTS_KEPT_DAYS", default=14)
# How many times the worker tries to hand an e-mail to the mail server (the wait starts
# at 30 s and doubles: 8 tries span about an hour).
EMAIL_ATTEMPTS = env.int("EMAIL_ATTEMPTS", default=8)
# Largest request body the API accepts (recordings included); bigger gets 413.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES

# Security: a strict Content-Security-Policy with nonces, no inline scripts.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "media-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# HTTPS settings: on unless DEBUG; a proxy terminating TLS sets X-Forwarded-Proto.
_secure = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not (DEBUG or TESTING))
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz answers over plain HTTP for the container's health check.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# One console handler, on the root logger: every line is printed once (Django's own
# "django" logger gets no handler of its own and passes its lines up), and a 403 or 404
# is one line without a traceback. runserver's request lines keep their own handler.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "client_errors_in_one_line": {"()": "portal.log.ClientErrorsInOneLine"},
        "retries": {"()": "portal.retry.RetryLogFilter"},
    },
    "formatters": {"line": {"format": "{levelname} {name}: {message}", "style": "{"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["client_errors_in_one_line"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "axes": {"level": "WARNING"},
        # A failed attempt that will be retried is a warning, not an error.
        "django.tasks": {"filters": ["retries"]},
        # WeasyPrint reports every step of every PDF at INFO, fontTools every font subset.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The scheduler logs what it enqueues itself (portal.scheduler).
        "apscheduler": {"level": "WARNING"},
    },
}

# In development and tests WhiteNoise serves straight from the app folders (no collectstatic).
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG
