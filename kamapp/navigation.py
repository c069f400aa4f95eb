"""The counts the navigation shows on every page (the bell's unread notifications, the reviews
waiting for the member's step, the open alerts): apps register the rows each one counts, and
the layout reads them all in one query, a scalar subquery each, instead of one round trip per
count. A count may be capped (a sliced queryset) and kept in a cache; only the counts the cache
misses go to the query."""

from collections.abc import Callable

from django.db import connection
from django.db.models import QuerySet

from kamapp.models import Membership

# the cached count or None, and how to store a fresh one
Cached = Callable[[Membership], tuple[int | None, Callable[[int], None]]]

COUNTS: dict[str, Callable[[Membership], QuerySet]] = {}
CACHES: dict[str, Cached] = {}


def register(
    name: str, rows: Callable[[Membership], QuerySet], cached: Cached | None = None
) -> None:
    """`name` becomes a template variable: the number of `rows(membership)`."""
    COUNTS[name] = rows
    if cached is not None:
        CACHES[name] = cached


def counts(membership: Membership) -> dict[str, int]:
    """Every registered count for the member, in at most one query."""
    found: dict[str, int] = {}
    store: dict[str, Callable[[int], None]] = {}
    for name, cached in CACHES.items():
        count, store[name] = cached(membership)
        if count is not None:
            found[name] = count
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
        for name, count in zip(missing, row, strict=True):
            found[name] = count
            if name in store:
                store[name](count)
    return found


def for_request(request) -> dict[str, int]:
    """The member's counts, read once per request, when the layout first shows one."""
    if not hasattr(request, "_navigation_counts"):
        request._navigation_counts = counts(request.membership)
    return request._navigation_counts
