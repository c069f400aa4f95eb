"""What differs in tests: fast hashing, mail kept in memory, static files from the finders."""

from kamapp.settings import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": mailer_from_url("locmem://")}  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
CACHES["default"]["KEY_PREFIX"] = "kamapp-test"  # noqa: F405
# Tasks run inline in tests; tests/kamapp/test_celery_worker.py runs a real worker instead.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
