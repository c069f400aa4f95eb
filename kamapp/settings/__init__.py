"""Settings for every environment, read from the environment (see README, "Configuration").

`kamapp.settings.test` and `kamapp.settings.production` adjust what differs.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from celery.schedules import crontab
from django.utils.csp import CSP

from kamapp import embedded


def env(name: str, default: str = "") -> str:
    """A string from the environment; `NAME_FILE` (Docker secrets) wins over `NAME`."""
    if path := os.environ.get(f"{name}_FILE"):
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(env(name, str(default)))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", f"http://127.0.0.1:{env('PORT', '8000')}")

INSTALLED_APPS = [
    "kamapp",
    "accounts",
    "rpm",
    "reviews",
    "dashboards",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kamapp.http.HtmxToastMiddleware",
    "kamapp.tenancy.TenantMiddleware",
]

ROOT_URLCONF = "kamapp.urls"
WSGI_APPLICATION = "kamapp.wsgi.application"

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
                "django.template.context_processors.csp",
                "kamapp.context_processors.tenancy",
                "kamapp.context_processors.navigation_counts",
                "accounts.context_processors.alert_badge",
            ],
            "builtins": ["kamapp.templatetags.kamapp"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", embedded.DATABASE_URL), conn_max_age=env_int("CONN_MAX_AGE", 60)
    )
}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", embedded.REDIS_URL)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "kamapp",
    }
}

AUTH_USER_MODEL = "kamapp.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Sign-in throttling (kamapp/throttle.py, counted in Postgres): this many failures per email
# lock that email for the window; past the limit times the factor from one client address,
# each failure makes the address wait 1, 2, 4 … seconds (at most the cooldown), locking no one.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW = env_int("LOGIN_FAILURE_WINDOW", 15 * 60)
LOGIN_FAILURE_CLIENT_FACTOR = env_int("LOGIN_FAILURE_CLIENT_FACTOR", 4)
LOGIN_CLIENT_COOLDOWN_MAX = env_int("LOGIN_CLIENT_COOLDOWN_MAX", 30)
# Password-reset mails: this many per email (times the factor per address) in the window.
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 3)
PASSWORD_RESET_WINDOW = env_int("PASSWORD_RESET_WINDOW", 60 * 60)
# Pages opened through a signed link without signing in (the shared plan): requests per address.
PUBLIC_LINK_LIMIT = env_int("PUBLIC_LINK_LIMIT", 120)
PUBLIC_LINK_WINDOW = env_int("PUBLIC_LINK_WINDOW", 10 * 60)
# Addresses or networks of reverse proxies whose X-Forwarded-For is believed (comma-separated).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
INVITATION_MAX_AGE = 7 * 24 * 60 * 60
SURVEY_MAX_AGE = 30 * 24 * 60 * 60  # from the last mail (first send or reminder)
SHARED_PLAN_MAX_AGE = 181 * 24 * 60 * 60  # the signature's limit; each link's own date comes first

# Sessions live in Postgres so that a Redis outage or restart signs nobody out. Not
# `cached_db`: Django's RedisCache raises when Redis is down, and a cache that swallowed the
# errors would miss the delete on sign-out and serve the stale session again once Redis is
# back. One primary-key read per request is cheap next to the tenant and membership reads.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / ".data" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = BASE_DIR / ".data" / "media"

EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "kamapp.console_mail.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}


def mailer_from_url(url: str) -> dict:
    """EMAIL_URL as `smtp://user:password@host:587?tls=1` (or `ssl=1`), `console://`,
    `locmem://`: one Django 6.1 MAILERS entry."""
    parts = urlsplit(url)
    if parts.scheme not in EMAIL_BACKENDS:
        raise ValueError(f"EMAIL_URL scheme must be one of {sorted(EMAIL_BACKENDS)}")
    options = {}
    if parts.scheme == "smtp":
        query = parse_qs(parts.query)
        options = {
            "host": parts.hostname or "localhost",
            "port": parts.port or 25,
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_tls": query.get("tls", ["0"])[0] == "1",
            "use_ssl": query.get("ssl", ["0"])[0] == "1",
            "timeout": 20,
        }
    return {"BACKEND": EMAIL_BACKENDS[parts.scheme], "OPTIONS": options}


MAILERS = {"default": mailer_from_url(env("EMAIL_URL", "console://"))}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "kamapp <no-reply@kamapp.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The longest task (a 20,000-account tenant's health run, a packet) takes seconds; a message a
# killed worker held comes back after the visibility timeout, so it stays just above the limit.
# Retries wait less than it (an ETA longer than the timeout would be delivered twice).
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 5 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A page that queues work while Redis is down gives up after about a second (the row waits).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.3}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "requeue-mail": {
        "task": "kamapp.tasks.requeue_mail",
        "schedule": crontab(minute="*/2"),
    },
    "requeue-packets": {
        "task": "reviews.tasks.requeue_packets",
        "schedule": crontab(minute="*/5"),
    },
    "recalculate-health": {
        "task": "accounts.tasks.recalculate_all",
        "schedule": crontab(minute=env("HEALTH_RECALC_MINUTE", "5")),  # hourly
    },
    "prune-health-snapshots": {
        "task": "accounts.tasks.prune_all_snapshots",
        "schedule": crontab(hour=3, minute=30),
    },
    "alert-digests": {
        "task": "accounts.tasks.send_all_digests",
        "schedule": crontab(hour=env("DIGEST_HOUR", "7"), minute=0),
    },
    "notification-digests": {
        "task": "kamapp.tasks.send_all_notification_digests",
        "schedule": crontab(hour=env("DIGEST_HOUR", "7"), minute=10),
    },
    "review-reminders": {
        "task": "reviews.tasks.remind_overdue_reviews",
        "schedule": crontab(hour=env("DIGEST_HOUR", "7"), minute=20),
    },
    "state-of-key-accounts": {  # acts on the first working day of the month only
        "task": "dashboards.tasks.send_state_reports",
        "schedule": crontab(hour=6, minute=30),
    },
    "survey-reminders": {
        "task": "accounts.tasks.remind_surveys",
        "schedule": crontab(hour=env("DIGEST_HOUR", "7"), minute=15),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint.progress": {"level": "WARNING"},  # one line per rendering step
    },
}
