"""Who may do what: the one place that answers "may this membership do X (to this object)".

Views use `require_permission`, templates the `can` filter; both end here. Later apps add
their actions to RULES.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied

from kamapp.models import Membership, Role

ALL = frozenset(Role)

# action -> roles that may perform it (object-level checks add to this in `can`).
RULES: dict[str, frozenset[str]] = {
    "tenant.view": ALL,
    "members.view": frozenset({Role.ADMIN, Role.LEADER, Role.SUPERVISOR}),
    "members.manage": frozenset({Role.ADMIN}),
    "audit.view": frozenset({Role.ADMIN}),
}


def can(membership: Membership | None, action: str, obj=None) -> bool:
    if membership is None or not membership.is_active:
        return False
    try:
        roles = RULES[action]
    except KeyError:
        raise ValueError(f"unknown action {action!r}") from None
    return membership.role in roles


def require_permission(action: str) -> Callable:
    """View decorator: the request's membership must be allowed `action` (else 403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not can(getattr(request, "membership", None), action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
