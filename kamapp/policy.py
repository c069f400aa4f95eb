"""Who may do what: the one place that answers "may this membership do X (to this object)".

Views use `require_permission`, templates the `can` filter; both end here. Apps register
their actions with `register` (roles that may, plus an optional object-level test).
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


# action -> test(membership, obj) applied after the role check when an object is given.
OBJECT_RULES: dict[str, Callable[[Membership, object], bool]] = {}


def register(
    action: str, roles, object_rule: Callable[[Membership, object], bool] | None = None
) -> None:
    RULES[action] = frozenset(roles)
    if object_rule is not None:
        OBJECT_RULES[action] = object_rule


def can(membership: Membership | None, action: str, obj=None) -> bool:
    if membership is None or not membership.is_active:
        return False
    try:
        roles = RULES[action]
    except KeyError:
        raise ValueError(f"unknown action {action!r}") from None
    if membership.role not in roles:
        return False
    rule = OBJECT_RULES.get(action)
    return obj is None or rule is None or rule(membership, obj)


def require_permission(action: str, *, post: str | None = None) -> Callable:
    """View decorator: the request's membership must be allowed `action`, and for a POST
    `post` too when given (a page anyone may read that only some may post to); else 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            needed = [action, post] if post and request.method == "POST" else [action]
            membership = getattr(request, "membership", None)
            if not all(can(membership, needed_action) for needed_action in needed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        # what the role sweep (tests/security/test_role_sweep.py) expects of each method
        wrapped.permissions = {"GET": [action], "POST": [action, post] if post else [action]}
        return wrapped

    return decorator
