"""Production: secrets must come from the environment, HTTPS everywhere."""

from django.core.exceptions import ImproperlyConfigured

from kamapp.settings import *  # noqa: F403
from kamapp.settings import env, env_bool, env_int

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set (50+ characters) in production.")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
if not env("EMAIL_URL"):
    raise ImproperlyConfigured(
        "EMAIL_URL must be set in production, e.g. smtp://user:pass@host:587?tls=1"
    )
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
