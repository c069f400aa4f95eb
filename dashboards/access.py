"""Who sees which dashboard and whose numbers: supervisors their reporting tree, leaders and
admins everyone, a KAM their own page only; anyone else's page is a 404."""

from kamapp import homes, policy
from kamapp.members import people
from kamapp.models import Membership, Role


def register() -> None:
    policy.register("team.view", {Role.ADMIN, Role.LEADER, Role.SUPERVISOR})
    policy.register("team.kam", set(Role))
    policy.register("leadership.view", {Role.ADMIN, Role.LEADER})
    homes.register(Role.SUPERVISOR, "team")
    homes.register(Role.LEADER, "leadership")


def kams(viewer: Membership):
    """The active KAMs on the viewer's team dashboard."""
    return people(viewer).filter(role=Role.KAM, is_active=True).order_by("user__full_name")
