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
    notifications, the reviews waiting for the member; one query for all of them."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    return navigation.counts(membership)
