"""Throttling of sign-ins and password-reset mails, counted in Postgres so it holds (and
never answers 500) while Redis is down.

Sign-in failures lock one email for the window. Failures from one client address never lock
anyone out, since behind NAT or a TLS proxy every user shares that address: past a higher
limit each further failure makes the address wait a few seconds (doubling, capped), which
slows guessing across many emails to a crawl while a person typing a correct password waits
seconds at most.
"""

import datetime
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, Q
from django.http import HttpRequest
from django.utils import timezone

from kamapp.models import ThrottleEvent

SIGN_IN = ThrottleEvent.Kind.SIGN_IN_FAILURE
RESET = ThrottleEvent.Kind.PASSWORD_RESET
PUBLIC_LINK = ThrottleEvent.Kind.PUBLIC_LINK


def client_address(request: HttpRequest | None) -> str:
    """The client's address: REMOTE_ADDR, or when that is a configured trusted proxy, the
    nearest X-Forwarded-For entry that is not one (a client can prepend anything)."""
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not (_trusted(remote) and forwarded):
        return remote
    for hop in reversed([part.strip() for part in forwarded.split(",")]):
        if not _trusted(hop):
            return hop if _valid(hop) else remote
    return remote


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def _trusted(address: str) -> bool:
    if not _valid(address):
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in ipaddress.ip_network(net) for net in settings.TRUSTED_PROXIES)


@dataclass(frozen=True)
class Counts:
    email: int
    client: int
    client_last: datetime.datetime | None


def _counts(kind: str, email: str, client: str, window: int) -> Counts:
    since = timezone.now() - datetime.timedelta(seconds=window)
    email = _normal(email)
    same_email, same_client = Q(email=email), Q(client=client)
    row = ThrottleEvent.objects.filter(
        same_email | same_client, kind=kind, created_at__gte=since
    ).aggregate(
        n_email=Count("id", filter=same_email),
        n_client=Count("id", filter=same_client),
        client_last=Max("created_at", filter=same_client),
    )
    return Counts(row["n_email"], row["n_client"], row["client_last"])


def _normal(email: str) -> str:
    return email.strip().lower()[:254]


def _record(kind: str, email: str, client: str, window: int) -> None:
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=window)
    ThrottleEvent.objects.filter(kind=kind, created_at__lt=stale).delete()
    ThrottleEvent.objects.create(kind=kind, email=_normal(email), client=client[:45])


def client_wait(counts: Counts) -> int:
    """Seconds the client address must still wait: 1, 2, 4 … (capped) after each failure
    beyond its free allowance."""
    free = settings.LOGIN_FAILURE_LIMIT * settings.LOGIN_FAILURE_CLIENT_FACTOR
    excess = counts.client - free
    if excess < 0 or counts.client_last is None:
        return 0
    pause = min(2**excess, settings.LOGIN_CLIENT_COOLDOWN_MAX)
    left = counts.client_last + datetime.timedelta(seconds=pause) - timezone.now()
    return max(0, int(left.total_seconds() + 0.999))


def sign_in_refusal(email: str, client: str) -> str | None:
    """Why an attempt is refused before its password is checked, or None to go ahead."""
    counts = _counts(SIGN_IN, email, client, settings.LOGIN_FAILURE_WINDOW)
    if counts.email >= settings.LOGIN_FAILURE_LIMIT:
        minutes = max(1, settings.LOGIN_FAILURE_WINDOW // 60)
        return (
            f"Too many failed sign-in attempts for this account. Please wait {minutes} "
            "minutes or reset your password."
        )
    wait = client_wait(counts)
    if wait:
        return (
            "Too many failed sign-in attempts from your network. Please try again in "
            f"{wait} second{'s' if wait != 1 else ''}."
        )
    return None


def register_failure(email: str, client: str) -> None:
    _record(SIGN_IN, email, client, settings.LOGIN_FAILURE_WINDOW)


def reset(email: str) -> None:
    """A successful sign-in clears the email's failures (the client's keep counting)."""
    ThrottleEvent.objects.filter(kind=SIGN_IN, email=_normal(email)).delete()


def password_reset_allowed(email: str, client: str) -> bool:
    """Record a reset request; False once the email or the address asked too often."""
    window = settings.PASSWORD_RESET_WINDOW
    counts = _counts(RESET, email, client, window)
    if (
        counts.email >= settings.PASSWORD_RESET_LIMIT
        or counts.client >= settings.PASSWORD_RESET_LIMIT * settings.LOGIN_FAILURE_CLIENT_FACTOR
    ):
        return False
    _record(RESET, email, client, window)
    return True


def public_link_allowed(client: str) -> bool:
    """Record one request to a page reached by a signed link without signing in (the shared
    plan); False once the client address made `PUBLIC_LINK_LIMIT` of them in the window, which
    caps guessing tokens and flooding a customer's page with writes."""
    window = settings.PUBLIC_LINK_WINDOW
    if _counts(PUBLIC_LINK, "", client, window).client >= settings.PUBLIC_LINK_LIMIT:
        return False
    _record(PUBLIC_LINK, "", client, window)
    return True
