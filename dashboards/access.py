"""Who sees which dashboard and whose numbers: supervisors their reporting tree, leaders and
admins everyone, a KAM their own page only; anyone else's page is a 404."""

from django.http import Http404

from kamapp import homes, policy
from kamapp.members import team
from kamapp.models import Membership, Role

MANAGERS = {Role.ADMIN, Role.LEADER, Role.SUPERVISOR}


def register() -> None:
    policy.register("team.view", MANAGERS)
    policy.register("team.kam", set(Role))
    policy.register("leadership.view", {Role.ADMIN, Role.LEADER})
    homes.register(Role.SUPERVISOR, "team")
    homes.register(Role.LEADER, "leadership")


def people(viewer: Membership):
    """The members whose numbers `viewer` may see, themselves included."""
    members = Membership.objects.for_tenant(viewer.tenant).select_related("user")
    if viewer.role in {Role.ADMIN, Role.LEADER}:
        return members
    below = list(team(viewer).values_list("pk", flat=True)) if viewer.role in MANAGERS else []
    return members.filter(pk__in=[viewer.pk, *below])


def kams(viewer: Membership):
    """The active KAMs on the viewer's team dashboard."""
    return people(viewer).filter(role=Role.KAM, is_active=True).order_by("user__full_name")


def get_person(viewer: Membership, pk: int) -> Membership:
    """A member whose page the viewer may open, or 404 (another tenant's or outside the tree)."""
    person = people(viewer).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person
