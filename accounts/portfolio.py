"""The account list and the portfolio: one annotated query, whatever the number of accounts."""

import datetime

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import metrics
from accounts.models import AccountStatus, Action, HealthSnapshot, Interaction, KeyAccount
from accounts.process import conformance
from kamapp.models import Membership

OPEN_ACTIONS = [Action.Status.PLANNED, Action.Status.IN_PROGRESS]
SORTS = {
    "name": "name",
    "-name": "-name",
    "renewal": "renewal_date",
    "-renewal": "-renewal_date",
    "value": "contract_value",
    "-value": "-contract_value",
    "tier": "tier",
    "owner": "owner__user__full_name",
    "contact": "last_contact",
    "-contact": "-last_contact",
}


def annotated(accounts: QuerySet[KeyAccount], today: datetime.date) -> QuerySet[KeyAccount]:
    """Add overdue action count and the date of the last meaningful interaction."""
    overdue = (
        Action.objects.filter(account=OuterRef("pk"), status__in=OPEN_ACTIONS, due_date__lt=today)
        .values("account")
        .annotate(n=Count("id"))
        .values("n")
    )
    last_contact = (
        Interaction.objects.filter(account=OuterRef("pk"), meaningful=True)
        .order_by("-date")
        .values("date")[:1]
    )
    latest = HealthSnapshot.objects.filter(account=OuterRef("pk")).order_by("-computed_at", "-id")
    return accounts.select_related("owner__user", "plan").annotate(
        overdue_actions=Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0)),
        last_contact=Subquery(last_contact),
        health_score=Subquery(latest.values("score")[:1]),
        health_band=Subquery(latest.values("band")[:1]),
    )


def filtered(membership: Membership, data: dict, today: datetime.date) -> QuerySet[KeyAccount]:
    """The list's accounts for cleaned filter-form data."""
    accounts = KeyAccount.objects.visible_to(membership)
    status = data.get("status")
    accounts = accounts.filter(status=status) if status else accounts.active()
    if query := data.get("q"):
        accounts = accounts.filter(Q(name__icontains=query) | Q(industry__icontains=query))
    for field in ("owner", "tier", "industry"):
        if value := data.get(field):
            accounts = accounts.filter(**{field: value})
    order = SORTS.get(data.get("sort") or "name", "name")
    return annotated(accounts, today).order_by(order, "name")


def industries(membership: Membership) -> list[str]:
    return list(
        KeyAccount.objects.visible_to(membership)
        .exclude(industry="")
        .order_by("industry")
        .values_list("industry", flat=True)
        .distinct()
    )


def decorate(account: KeyAccount, today: datetime.date) -> KeyAccount:
    """Derived values the templates show, computed from the annotations (no queries)."""
    plan = getattr(account, "plan", None)
    account.plan_stale = metrics.is_stale(plan.next_review_due if plan else None, today)
    account.days_since_contact = (
        (today - account.last_contact).days if account.last_contact else None
    )
    account.renews_in = metrics.days_until(account.renewal_date, today)
    return account


def portfolio(membership: Membership) -> dict:
    """The member's open accounts, most urgent first, with the headline numbers."""
    today = timezone.localdate()
    accounts = [
        decorate(a, today)
        for a in annotated(KeyAccount.objects.visible_to(membership).active(), today)
    ]

    def urgency(account):
        return (
            {"at_risk": -2, "watch": -1}.get(account.health_band, 0),
            -(account.overdue_actions > 0)
            - account.plan_stale
            - (account.renews_in is not None and account.renews_in <= 90),
            account.renews_in if account.renews_in is not None else 10**6,
        )

    accounts.sort(key=urgency)
    conformance.attach(membership.tenant, accounts, today)
    return {
        "accounts": accounts,
        "stats": {
            "accounts": len(accounts),
            "stale": sum(a.plan_stale for a in accounts),
            "overdue": sum(a.overdue_actions for a in accounts),
            "renewals": sum(
                1 for a in accounts if a.renews_in is not None and 0 <= a.renews_in <= 90
            ),
            "value": sum(a.contract_value for a in accounts),
            "at_risk": sum(1 for a in accounts if a.status == AccountStatus.AT_RISK),
        },
    }
