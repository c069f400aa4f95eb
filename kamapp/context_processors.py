from django.utils.functional import SimpleLazyObject

from kamapp.members import organisation_count


def tenancy(request) -> dict:
    """The tenant and membership resolved by TenantMiddleware, for the layout."""
    return {
        "tenant": getattr(request, "tenant", None),
        "membership": getattr(request, "membership", None),
        "organisations": SimpleLazyObject(lambda: organisation_count(request)),
    }
