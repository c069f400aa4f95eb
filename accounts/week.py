"""A member's week on their home: open actions of theirs due within 7 days (or overdue), the
plans of their accounts due for review, their renewals within 90 days, and what other apps
say waits for them (`kamapp.homes.waiting`: review steps). One query per list, whatever the
portfolio's size; each list shows its first few and says when there are more."""

import datetime

from django.db.models import F, Q

from accounts.models import AccountPlan, Action, KeyAccount
from accounts.portfolio import OPEN_ACTIONS
from kamapp import homes
from kamapp.models import Membership

SHOWN = 6
ACTIONS_DAYS = 7
PLANS_DAYS = 7
RENEWALS_DAYS = 90


def _few(rows) -> dict:
    """The first SHOWN rows, and whether there are more (one query: SHOWN + 1 fetched)."""
    rows = list(rows[: SHOWN + 1])
    return {"rows": rows[:SHOWN], "more": len(rows) > SHOWN}


def my_week(membership: Membership, today: datetime.date) -> dict:
    owned = KeyAccount.objects.for_tenant(membership.tenant).active().filter(owner=membership)
    due = Action.objects.for_tenant(membership.tenant).filter(
        status__in=OPEN_ACTIONS, due_date__lte=today + datetime.timedelta(ACTIONS_DAYS)
    )
    # theirs, and the unassigned ones on their accounts: two index lookups rather than an OR
    # across the join, which reads every open action of a leader's whole tenant
    mine = (
        due.filter(owner=membership)
        .values("pk")
        .union(due.filter(owner=None, account__in=owned.values("pk")).values("pk"))
    )
    actions = (
        Action.objects.for_tenant(membership.tenant)
        .filter(pk__in=mine)
        .filter(account__in=KeyAccount.objects.visible_to(membership).active().values("pk"))
        .select_related("account")
        .order_by("due_date", "pk")
    )
    plans = (
        AccountPlan.objects.for_tenant(membership.tenant)
        .filter(account__in=owned.values("pk"))
        .filter(
            Q(next_review_due=None) | Q(next_review_due__lte=today + datetime.timedelta(PLANS_DAYS))
        )
        .select_related("account")
        .order_by(F("next_review_due").asc(nulls_first=True), "account__name")
    )
    renewals = owned.filter(
        renewal_date__range=(today, today + datetime.timedelta(RENEWALS_DAYS))
    ).order_by("renewal_date", "name")
    return {
        "actions": _few(actions),
        "plans": _few(plans),
        "renewals": _few(renewals),
        "reviews": homes.waiting(membership, today),
        "today": today,
    }
