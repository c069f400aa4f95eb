"""The counts the navigation shows on every page (the bell's unread notifications, the reviews
waiting for the member's step): apps register the rows each one counts, and the layout reads
them all in one query, a scalar subquery each, instead of one round trip per count."""

from collections.abc import Callable

from django.db.models import F, Func, IntegerField, QuerySet, Subquery

from kamapp.models import Membership

COUNTS: dict[str, Callable[[Membership], QuerySet]] = {}


def register(name: str, rows: Callable[[Membership], QuerySet]) -> None:
    """`name` becomes a template variable: the number of `rows(membership)`."""
    COUNTS[name] = rows


def _count(rows: QuerySet) -> Subquery:
    # COUNT without GROUP BY (not an aggregate to the ORM): one row whatever the rows
    counted = rows.order_by().annotate(
        n=Func(F("pk"), function="COUNT", output_field=IntegerField())
    )
    return Subquery(counted.values("n"), output_field=IntegerField())


def counts(membership: Membership) -> dict[str, int]:
    """Every registered count for the member, in one query."""
    if not COUNTS:
        return {}
    expressions = {name: _count(rows(membership)) for name, rows in COUNTS.items()}
    return Membership.objects.filter(pk=membership.pk).values(**expressions).get()
