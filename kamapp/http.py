from django.http import HttpRequest

from kamapp.models import Membership, Tenant, User


class TenantRequest(HttpRequest):
    """A request under `/o/<slug>/`, after `TenantMiddleware`."""

    user: User
    tenant: Tenant
    membership: Membership


def htmx_partial(request: HttpRequest) -> bool:
    """True when HTMX asks for a fragment (not a boosted full-page navigation)."""
    return bool(request.htmx) and not request.htmx.boosted
