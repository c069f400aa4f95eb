from functools import partial

from django.utils.functional import SimpleLazyObject

from kamapp import navigation
from kamapp.members import organisation_count


def tenancy(request) -> dict:
    """The tenant and membership resolved by TenantMiddleware, for the layout."""
    return {
        "tenant": getattr(request, "tenant", None),
        "membership": getattr(request, "membership", None),
        "organisations": SimpleLazyObject(lambda: organisation_count(request)),
    }


def navigation_counts(request) -> dict:
    """The counts apps register for the navigation (`kamapp.navigation`): the bell's unread
    notifications, the reviews waiting for the member, the open alerts. Lazy: one query for
    all of them, and none when the template (an HTMX partial) shows no navigation."""
    if getattr(request, "membership", None) is None:
        return {}
    return {name: SimpleLazyObject(partial(_count, request, name)) for name in navigation.COUNTS}


def _count(request, name: str) -> int:
    return navigation.for_request(request)[name]
