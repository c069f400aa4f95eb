"""What differs in tests: fast hashing, mail kept in memory, static files from the finders."""

from urllib.parse import urlsplit, urlunsplit

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

# Parallel runs on one machine (several developers' suites) keep apart by these two.
DATABASES["default"]["TEST"] = {"NAME": env("KAMAPP_TEST_DB_NAME", "test_kamapp")}  # noqa: F405
CACHES["default"]["LOCATION"] = urlunsplit(  # noqa: F405
    urlsplit(REDIS_URL)._replace(path="/" + env("KAMAPP_TEST_REDIS_DB", "1"))  # noqa: F405
)
CELERY_BROKER_URL = CACHES["default"]["LOCATION"]  # noqa: F405 - flushed between tests too
