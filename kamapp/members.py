"""Members of a tenant: listing, the team tree, role changes and deactivation."""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from kamapp.audit import record, record_change
from kamapp.inputs import search_text
from kamapp.models import Membership, Role, Tenant, User
from kamapp.rls import tenant_context

EDITABLE = ["role", "manager_id", "title"]


def of_user(user: User) -> QuerySet[Membership]:
    """The user's active memberships across tenants (RLS lets a user read their own)."""
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("tenant")
        .order_by("tenant__name")
    )


ORGANISATIONS = "organisations"  # the session's cached count, dropped when it may change


def count_organisations(sender, request, user, **kwargs) -> None:
    """On sign-in: how many organisations the user belongs to, kept in the session (the
    layout offers "Switch organisation" only when there is another)."""
    with tenant_context(None, user.pk):  # RLS shows a user their own memberships
        request.session[ORGANISATIONS] = of_user(user).count()


def organisation_count(request) -> int:
    if not request.user.is_authenticated:
        return 0
    if ORGANISATIONS not in request.session:  # a session from before this was kept
        count_organisations(None, request, request.user)
    return request.session[ORGANISATIONS]


def listing(tenant: Tenant, query: str = "") -> QuerySet[Membership]:
    memberships = (
        Membership.objects.for_tenant(tenant)
        .select_related("user", "manager__user")
        .annotate(report_count=Count("reports", filter=Q(reports__is_active=True)))
        .order_by("-is_active", "user__full_name")
    )
    if query := search_text(query):
        memberships = memberships.filter(
            Q(user__full_name__icontains=query) | Q(user__email__icontains=query)
        )
    return memberships


def team(membership: Membership) -> QuerySet[Membership]:
    """Everyone below `membership` in the reporting tree (direct and indirect)."""
    below: set[int] = set()
    frontier = {membership.pk}
    while frontier:
        frontier = set(
            Membership.objects.for_tenant(membership.tenant)
            .filter(manager_id__in=frontier, is_active=True)
            .exclude(pk__in=below | {membership.pk})
            .values_list("pk", flat=True)
        )
        below |= frontier
    return Membership.objects.filter(pk__in=below).select_related("user")


def summary(tenant: Tenant, membership: Membership) -> dict:
    counts = dict(
        Membership.objects.for_tenant(tenant)
        .active()
        .values_list("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    return {
        "role_counts": [(label, counts.get(value, 0)) for value, label in Role.choices],
        "member_count": sum(counts.values()),
        "team": list(team(membership)) if membership.role == Role.SUPERVISOR else [],
        "manager": membership.manager.user if membership.manager_id else None,
    }


def update(form, actor: User) -> Membership:
    # form.instance already holds the new values after validation; read the old row.
    old = Membership.objects.get(pk=form.instance.pk)
    membership = form.save()
    record_change(membership.tenant, actor, "membership.update", membership, old, EDITABLE)
    return membership


def set_active(membership: Membership, active: bool, actor: User) -> None:
    membership.is_active = active
    membership.save(update_fields=["is_active"])
    record(
        membership.tenant,
        actor,
        "membership.activate" if active else "membership.deactivate",
        membership,
    )


def paginate(request, queryset: QuerySet, per_page: int = 25) -> Page:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def people(viewer: Membership):
    """The members whose numbers `viewer` may see, themselves included."""
    members = Membership.objects.for_tenant(viewer.tenant).select_related("user")
    if viewer.role in {Role.ADMIN, Role.LEADER}:
        return members
    below = team(viewer).values_list("pk", flat=True) if viewer.role == Role.SUPERVISOR else []
    return members.filter(pk__in=[viewer.pk, *below])
