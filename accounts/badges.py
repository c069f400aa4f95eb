"""The navigation's open-alert count: cached per member for a short while, capped, and
forgotten when the tenant's alerts change, so a page does not count thousands of live alerts
on every request. With the cache unreachable it counts every time."""

from contextlib import suppress

from django.core.cache import cache
from django.db import transaction

from accounts.jobs import UNREACHABLE
from accounts.models import RiskAlert
from kamapp.models import Membership

CAP = 100  # the badge reads "99+" past this: counting further buys nothing
SECONDS = 60


def _version_key(tenant_id: int) -> str:
    return f"alert-badge-version:{tenant_id}"


def open_alerts(membership: Membership) -> int:
    """The member's open alerts, up to `CAP`: two cache reads when fresh, else one query."""
    try:
        version = cache.get(_version_key(membership.tenant_id), 0)
        key = f"alert-badge:{membership.tenant_id}:{membership.pk}:{version}"
        count = cache.get(key)
    except UNREACHABLE:
        key, count = None, None
    if count is None:
        count = (
            RiskAlert.objects.visible_to(membership)
            .filter(status=RiskAlert.Status.OPEN)
            .values("pk")[:CAP]
            .count()
        )
        if key is not None:
            with suppress(*UNREACHABLE):
                cache.set(key, count, SECONDS)
    return count


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
