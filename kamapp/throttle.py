"""Sign-in throttling, counted in Redis (the default cache): failures per email, and a
higher limit per client address (offices share one address behind NAT)."""

from django.conf import settings
from django.core.cache import cache


def _limits(email: str, client: str) -> dict[str, int]:
    per_email = settings.LOGIN_FAILURE_LIMIT
    return {
        f"login-fail:email:{email.strip().lower()}": per_email,
        f"login-fail:ip:{client}": per_email * settings.LOGIN_FAILURE_CLIENT_FACTOR,
    }


def is_locked(email: str, client: str) -> bool:
    limits = _limits(email, client)
    counts = cache.get_many(list(limits))
    return any(count >= limits[key] for key, count in counts.items())


def register_failure(email: str, client: str) -> None:
    for key in _limits(email, client):
        # add() starts the window; incr() keeps its expiry.
        if not cache.add(key, 1, settings.LOGIN_FAILURE_WINDOW):
            cache.incr(key)


def reset(email: str, client: str) -> None:
    """A successful sign-in clears the email's count (the client's keeps counting)."""
    cache.delete(next(iter(_limits(email, client))))


def lockout_minutes() -> int:
    return max(1, settings.LOGIN_FAILURE_WINDOW // 60)
