"""Account rules, registered into kamapp.policy: the owner, the account team, the owner's
supervisors up the tree and admins may edit; leaders read everything; KAMs see their own and
their team's accounts, supervisors their team's."""

from kamapp import policy
from kamapp.models import Membership, Role
from kamapp.trees import reaches

ALL = set(Role)
EDITORS = {Role.ADMIN, Role.SUPERVISOR, Role.KAM}


def _manages(membership: Membership, owner: Membership) -> bool:
    """Is `membership` above `owner` in the reporting tree?"""
    return reaches(owner.manager, membership, lambda member: member.manager)


def may_edit(membership: Membership, account) -> bool:
    if membership.role == Role.ADMIN:
        return True
    if account.owner_id == membership.pk:
        return True
    if account.team_links.filter(membership=membership).exists():
        return True
    return membership.role == Role.SUPERVISOR and _manages(membership, account.owner)


def register() -> None:
    policy.register("account.view", ALL)
    policy.register("account.create", EDITORS)
    policy.register("account.edit", EDITORS, may_edit)
    policy.register("account.import", {Role.ADMIN, Role.SUPERVISOR})
    policy.register("health.configure", {Role.ADMIN})
    policy.register("process.configure", {Role.ADMIN})
