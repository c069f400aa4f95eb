def tenancy(request) -> dict:
    """The tenant and membership resolved by TenantMiddleware, for the layout."""
    return {
        "tenant": getattr(request, "tenant", None),
        "membership": getattr(request, "membership", None),
    }
