"""The counts the navigation shows on every page (the bell's unread notifications, the reviews
waiting for the member's step, the open alerts): apps register the rows each one counts and
the topic whose changes forget it. A page reads every count from the cache in one read; the
counts it misses go to one query, a scalar subquery each, and are cached for a short while.
The app that writes a topic's rows calls `changed(topic, tenant_id)`. With the cache
unreachable every page counts."""

from collections.abc import Callable
from contextlib import suppress

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import QuerySet
from redis.exceptions import RedisError

from kamapp.models import Membership

UNREACHABLE = (RedisError, ConnectionError, OSError)
SECONDS = 60  # at most this stale, should a write forget to say `changed`

COUNTS: dict[str, Callable[[Membership], QuerySet]] = {}
TOPICS: dict[str, str] = {}  # count name -> the topic whose changes forget it


def register(name: str, rows: Callable[[Membership], QuerySet], topic: str) -> None:
    """`name` becomes a template variable: the number of `rows(membership)` (a sliced queryset
    for a capped count), cached until `changed(topic, …)` for the member's tenant."""
    COUNTS[name] = rows
    TOPICS[name] = topic


def _version_key(topic: str, tenant_id: int) -> str:
    return f"nav-version:{topic}:{tenant_id}"


def _member_key(name: str, membership: Membership) -> str:
    # the role too: what a member counts depends on it
    return f"nav:{name}:{membership.tenant_id}:{membership.pk}:{membership.role}"


def changed(topic: str, tenant_id: int) -> None:
    """Forget the tenant's counts of `topic` now and again once the change is committed, so a
    request that counted the rows as they were before the commit does not keep its count."""

    def bump() -> None:
        key = _version_key(topic, tenant_id)
        with suppress(*UNREACHABLE):
            try:
                cache.incr(key)
            except ValueError:  # not set yet
                cache.set(key, 1, None)

    bump()
    transaction.on_commit(bump)


def _cached(membership: Membership) -> tuple[dict[str, int], dict[str, tuple]]:
    """The counts cached for the topics' current versions (one cache read), and the
    (key, version) each missing count is to be stored under; nothing to store when the
    cache is unreachable."""
    members = {name: _member_key(name, membership) for name in COUNTS}
    versions = {t: _version_key(t, membership.tenant_id) for t in set(TOPICS.values())}
    try:
        found = cache.get_many([*members.values(), *versions.values()])
    except UNREACHABLE:
        return {}, {}
    counts, store = {}, {}
    for name, key in members.items():
        version = found.get(versions[TOPICS[name]], 0)
        stored_version, count = found.get(key, (None, None))
        if stored_version == version:
            counts[name] = count
        else:
            store[name] = (key, version)
    return counts, store


def counts(membership: Membership) -> dict[str, int]:
    """Every registered count for the member: one cache read, and at most one query."""
    found, store = _cached(membership)
    missing = [name for name in COUNTS if name not in found]
    if missing:
        # compiled straight to SQL: resolving them as subqueries of an ORM query costs more
        # Python than the counts cost Postgres
        parts, params = [], []
        for name in missing:
            rows = COUNTS[name](membership)
            if not rows.query.is_sliced:  # a capped count (sliced) cannot be reordered
                rows = rows.order_by()
            sql, part_params = rows.values("pk").query.sql_with_params()
            parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")
            params.extend(part_params)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(parts)}", params)
            row = cursor.fetchone()
        found.update(zip(missing, row, strict=True))
        if store:
            with suppress(*UNREACHABLE):
                cache.set_many(
                    {key: (version, found[name]) for name, (key, version) in store.items()},
                    SECONDS,
                )
    return found


def for_request(request) -> dict[str, int]:
    """The member's counts, read once per request, when the layout first shows one."""
    if not hasattr(request, "_navigation_counts"):
        request._navigation_counts = counts(request.membership)
    return request._navigation_counts
