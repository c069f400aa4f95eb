from django.utils.functional import SimpleLazyObject

from kamapp import notifications
from kamapp.members import organisation_count


def tenancy(request) -> dict:
    """The tenant and membership resolved by TenantMiddleware, for the layout."""
    return {
        "tenant": getattr(request, "tenant", None),
        "membership": getattr(request, "membership", None),
        "organisations": SimpleLazyObject(lambda: organisation_count(request)),
    }


def notification_badge(request) -> dict:
    """The member's unread notifications, for the bell (one query)."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    return {"unread_notifications": notifications.unread_count(membership)}
