"""Sign-in throttling, counted in Redis (the default cache): failures per email and per client."""

from django.conf import settings
from django.core.cache import cache


def _keys(email: str, client: str) -> list[str]:
    return [f"login-fail:email:{email.strip().lower()}", f"login-fail:ip:{client}"]


def is_locked(email: str, client: str) -> bool:
    counts = cache.get_many(_keys(email, client)).values()
    return any(count >= settings.LOGIN_FAILURE_LIMIT for count in counts)


def register_failure(email: str, client: str) -> None:
    for key in _keys(email, client):
        # add() starts the window; incr() keeps its expiry.
        if not cache.add(key, 1, settings.LOGIN_FAILURE_WINDOW):
            cache.incr(key)


def reset(email: str, client: str) -> None:
    cache.delete(_keys(email, client)[0])


def lockout_minutes() -> int:
    return max(1, settings.LOGIN_FAILURE_WINDOW // 60)
