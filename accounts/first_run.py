"""The first-run checklist: what an organisation with no accounts yet still has to set up."""

from dataclasses import dataclass

from django.urls import reverse

from accounts.models import KeyAccount
from kamapp import policy
from kamapp.models import Invitation, Membership


@dataclass(frozen=True)
class Step:
    label: str
    why: str
    url: str
    done: bool


def checklist(membership: Membership) -> list[Step] | None:
    """None once the organisation has an account; otherwise the steps for a member who may take
    them (admins), and an empty list for the others (the page says someone is setting up)."""
    tenant = membership.tenant
    if KeyAccount.objects.for_tenant(tenant).exists():
        return None
    if not policy.can(membership, "members.manage"):
        return []
    slug = {"slug": tenant.slug}
    team = (
        Membership.objects.for_tenant(tenant).exclude(pk=membership.pk).exists()
        # the admin's own invitation (how a new organisation gets its admin) is not the team
        or Invitation.objects.for_tenant(tenant)
        .filter(revoked_at=None)
        .exclude(email__iexact=membership.user.email)
        .exists()
    )
    return [
        Step(
            "Invite the team",
            "KAMs, supervisors and leaders, and who reports to whom.",
            reverse("member-list", kwargs=slug),
            team,
        ),
        Step(
            "Import accounts",
            "Your key accounts from a CSV, with owners, tiers and contract values.",
            reverse("account-import", kwargs=slug),
            False,  # no account yet, or there would be no checklist
        ),
        Step(
            "Set the health model",
            "How much each part of an account's health weighs, and when alerts fire.",
            reverse("health-settings", kwargs=slug),
            "health" in tenant.settings,
        ),
    ]
