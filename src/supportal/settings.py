"""Django settings for Supportal, read from the environment (INTERFACES.md "Settings").

Everything an operator sets is an environment variable; nothing here needs editing per deployment.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dj_database_url

from supportal.core.env import data_dir, email_settings, env_bool, env_int, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()
SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_bool("SUPPORTAL_DEBUG", False)
BASE_URL = env_str("SUPPORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
SUPPORT_ADDRESS = env_str("SUPPORTAL_SUPPORT_ADDRESS", "support@example.com")
PROVIDER_NAME = env_str("SUPPORTAL_PROVIDER_NAME", "Supportal")

ALLOWED_HOSTS = [h for h in env_str("SUPPORTAL_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [BASE_URL]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SUPPORTAL_BEHIND_PROXY") else None
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = BASE_URL.startswith("https://")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    "supportal.core.admin_site.SupportalAdminConfig",  # django.contrib.admin, admins only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_htmx",
    "template_partials",
    "huey.contrib.djhuey",
    "ninja",
    "supportal.core",
    "supportal.audit",
    "supportal.accounts",
    "supportal.orgs",
    "supportal.cases",
    "supportal.cmdb",
    "supportal.sla",
    "supportal.escalation",
    "supportal.catalog",
    "supportal.channels.email",
    "supportal.channels.alerts",
    "supportal.channels.chat",
    "supportal.webhooks",
    "supportal.notifications",
    "supportal.jobs",
    "supportal.api",
    "supportal.web",
    "supportal.agent",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "supportal.api.idempotency.IdempotencyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "supportal.accounts.middleware.AgentMfaMiddleware",
    "supportal.accounts.timezone.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "supportal.urls"
WSGI_APPLICATION = "supportal.wsgi.application"
ASGI_APPLICATION = "supportal.asgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "supportal.web.context.portal",
            ],
        },
    },
]

# --- Database: SQLite in the data dir by default, PostgreSQL (or another SQLite file) through DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'supportal.sqlite3'}"
_database: dict[str, Any] = dict(
    dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("SUPPORTAL_DB_CONN_MAX_AGE", 60))
)
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database["CONN_MAX_AGE"] = 0
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
else:
    _database["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (sign-in throttling needs one shared by every process): Redis when configured, else the database.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "supportal_cache"}
    }

# --- Background jobs: Huey, embedded (SQLite file) by default, Redis with many consumers in production.
HUEY: dict[str, Any]
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "supportal", "url": REDIS_URL, "immediate": False}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "supportal",
        "filename": str(DATA_DIR / "jobs.sqlite3"),
        "immediate": False,
    }
HUEY["consumer"] = {"workers": env_int("SUPPORTAL_WORKER_THREADS", 2), "worker_type": "thread"}
if env_bool("SUPPORTAL_JOBS_IMMEDIATE"):
    HUEY["immediate"] = True

# --- Accounts and sign-in (django-allauth).
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{PROVIDER_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if BASE_URL.startswith("https://") else "http"
ACCOUNT_ADAPTER = "supportal.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "supportal.accounts.forms.SelfRegistrationForm"}
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("SUPPORTAL_LOGIN_FAILED_LIMIT", "10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
SOCIALACCOUNT_ADAPTER = "supportal.accounts.social.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
# OpenID Connect identity providers (Google included), as JSON in SUPPORTAL_OIDC_PROVIDERS:
# [{"id": "google", "name": "Google", "server_url": "https://accounts.google.com",
#   "client_id": "...", "secret": "..."}]
OIDC_PROVIDERS: list[dict[str, str]] = json.loads(env_str("SUPPORTAL_OIDC_PROVIDERS") or "[]")
OIDC_FORM_ACTION_ORIGINS = sorted({"/".join(p["server_url"].split("/")[:3]) for p in OIDC_PROVIDERS})
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": p["id"],
                "name": p.get("name", p["id"]),
                "client_id": p["client_id"],
                "secret": p.get("secret", ""),
                "settings": {"server_url": p["server_url"]},
            }
            for p in OIDC_PROVIDERS
        ],
    }
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = PROVIDER_NAME
SUPPORTAL_REQUIRE_AGENT_MFA = env_bool("SUPPORTAL_REQUIRE_AGENT_MFA", False)

# Cases: a Resolved case closes by itself after this many days; cases opened without a type get this one.
SUPPORTAL_AUTO_CLOSE_DAYS = env_int("SUPPORTAL_AUTO_CLOSE_DAYS", 7)
SUPPORTAL_DEFAULT_CASE_TYPE = env_str("SUPPORTAL_DEFAULT_CASE_TYPE", "general-request")
SUPPORTAL_SLA_WARNING_PERCENT = env_int("SUPPORTAL_SLA_WARNING_PERCENT", 75)  # when no SLA policy says
# Certificates expiring within this many days (or expired at most this long ago) get a renewal order.
SUPPORTAL_CERT_RENEWAL_DAYS = env_int("SUPPORTAL_CERT_RENEWAL_DAYS", 30)

# Live chat (docs/chat.md). The channel layer carries pushes between ASGI processes: Redis when REDIS_URL is
# set (any number of processes); otherwise in memory, so one ASGI process must serve every socket.
CHANNEL_LAYERS: dict[str, Any] = (
    {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "supportal-chat", "capacity": 500, "expiry": 30},
        }
    }
    if REDIS_URL
    else {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 500}}}
)
# Staffed hours: the name of an SLA calendar; outside its hours the bubble offers a case instead.
# Empty: staffed around the clock.
SUPPORTAL_CHAT_CALENDAR = env_str("SUPPORTAL_CHAT_CALENDAR", "")
# Threads (each with its own kept database connection) doing the chat sockets' database work, per process.
SUPPORTAL_CHAT_DB_THREADS = env_int("SUPPORTAL_CHAT_DB_THREADS", 4)

# Outbound webhooks: an organisation's may not call private or local addresses unless this is set; a webhook
# is disabled (and its managers told) after this many deliveries in a row were given up.
SUPPORTAL_WEBHOOK_ALLOW_PRIVATE = env_bool("SUPPORTAL_WEBHOOK_ALLOW_PRIVATE", False)
SUPPORTAL_WEBHOOK_DISABLE_AFTER = env_int("SUPPORTAL_WEBHOOK_DISABLE_AFTER", 5)

# --- Email: every message goes to the outbox table, a job sends it through EMAIL_URL.
EMAIL_BACKEND = "supportal.notifications.backends.OutboxBackend"
DEFAULT_FROM_EMAIL = env_str("SUPPORTAL_FROM_ADDRESS", SUPPORT_ADDRESS)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_URL = env_str("EMAIL_URL", "console:")
_email = email_settings(EMAIL_URL)
EMAIL_DELIVERY_BACKEND: str = _email.pop("EMAIL_DELIVERY_BACKEND")
globals().update(_email)
# Inbound email: automatic answers (confirmations, "please register") per address and day, at most; a
# message larger than this is held unread (it is still stored).
SUPPORTAL_EMAIL_AUTO_ANSWER_CAP = env_int("SUPPORTAL_EMAIL_AUTO_ANSWER_CAP", 10)
SUPPORTAL_EMAIL_MAX_BYTES = env_int("SUPPORTAL_EMAIL_MAX_BYTES", 40 * 1024 * 1024)

# --- Static files, served by the app itself (whitenoise).
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Uploaded files (attachments): checked and stored by supportal.core.files, on disk in the data dir or,
# when SUPPORTAL_S3_BUCKET is set, in an S3-compatible bucket. There is no MEDIA_URL on purpose: files are
# only ever served through views that check access first.
SUPPORTAL_MAX_ATTACHMENT_BYTES = env_int("SUPPORTAL_MAX_ATTACHMENT_BYTES", 25 * 1024 * 1024)
MEDIA_ROOT = DATA_DIR / "files"
SUPPORTAL_S3_BUCKET = env_str("SUPPORTAL_S3_BUCKET")
_default_storage: dict[str, Any]
if SUPPORTAL_S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": SUPPORTAL_S3_BUCKET,
            "endpoint_url": env_str("SUPPORTAL_S3_ENDPOINT_URL") or None,
            "region_name": env_str("SUPPORTAL_S3_REGION") or None,
            "access_key": env_str("SUPPORTAL_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("SUPPORTAL_S3_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": MEDIA_ROOT,
            "directory_permissions_mode": 0o700,
            "file_permissions_mode": 0o600,
        },
    }
STORAGES: dict[str, dict[str, Any]] = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Content security policy (django-csp 4): no inline scripts, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        # The identity providers' sign-in pages too: allauth's sign-in form redirects there.
        "form-action": ["'self'", *OIDC_FORM_ACTION_ORIGINS],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "en"
TIME_ZONE = env_str("SUPPORTAL_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

NINJA_PAGINATION_PER_PAGE = 50
API_RATE_LIMIT = env_str("SUPPORTAL_API_RATE_LIMIT", "600/m")
# Alert webhooks per token: far higher, since Alertmanager never retries a 429 (api/v1/alerts.py).
API_ALERT_RATE_LIMIT = env_str("SUPPORTAL_API_ALERT_RATE_LIMIT", "6000/m")

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SUPPORTAL_LOG_LEVEL", "WARNING")},
    "loggers": {"huey": {"level": "INFO", "handlers": ["console"], "propagate": False}},
}
