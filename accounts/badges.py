"""The navigation's open-alert count: cached per member for a short while, capped, and
forgotten when the tenant's alerts change, so a page does not count thousands of live alerts
on every request. With the cache unreachable it counts every time."""

from collections.abc import Callable
from contextlib import suppress

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet

from accounts.jobs import UNREACHABLE
from accounts.models import RiskAlert
from kamapp.models import Membership

CAP = 100  # the badge reads "99+" past this: counting further buys nothing
SECONDS = 60


def _version_key(tenant_id: int) -> str:
    return f"alert-badge-version:{tenant_id}"


def rows(membership: Membership) -> QuerySet[RiskAlert]:
    """The member's open alerts, up to `CAP` (counted with the navigation's other counts)."""
    return (
        RiskAlert.objects.visible_to(membership)
        .filter(status=RiskAlert.Status.OPEN)
        .order_by()[:CAP]
    )


def cached(membership: Membership) -> tuple[int | None, Callable[[int], None]]:
    """The member's count as cached for the tenant's current alerts (one cache read: the
    version and the count together), and how to store a fresh one. With the cache
    unreachable nothing is cached and the navigation counts every time."""
    version_key = _version_key(membership.tenant_id)
    key = f"alert-badge:{membership.tenant_id}:{membership.pk}"
    try:
        found = cache.get_many([version_key, key])
    except UNREACHABLE:
        return None, lambda count: None
    version = found.get(version_key, 0)
    stored_version, count = found.get(key, (None, None))

    def store(count: int) -> None:
        with suppress(*UNREACHABLE):
            cache.set(key, (version, count), SECONDS)

    return (count if stored_version == version else None), store


def alerts_changed(tenant_id: int) -> None:
    """Forget the tenant's counts now and again once the change is committed, so a request
    that counted the rows as they were before the commit does not keep its stale count."""

    def bump() -> None:
        with suppress(*UNREACHABLE):
            try:
                cache.incr(_version_key(tenant_id))
            except ValueError:  # not set yet
                cache.set(_version_key(tenant_id), 1, None)

    bump()
    transaction.on_commit(bump)
