"""The joint plan: the account plan shared with chosen customer contacts through a signed,
expiring, revocable link (`/p/<token>/`) they open without an account.

The customer sees their goals, the KPIs with measurements and charts, and the actions marked
shared; they confirm or comment on a goal and may enter a KPI value, stored as a
customer-sourced measurement. Every opening is logged, every answer audited and mailed to the
account's owner. A revoked or expired link resolves to nothing (the page is a 404).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts import notify, objectives
from accounts.models import (
    KPI,
    Action,
    Contact,
    GoalResponse,
    KeyAccount,
    KPIMeasurement,
    Objective,
    SharedPlan,
    SharedPlanVisit,
)
from kamapp.audit import record
from kamapp.rls import tenant_context


def share(
    account: KeyAccount, contacts: QuerySet[Contact], expires_on: datetime.date, actor
) -> list[SharedPlan]:
    """One link per contact, mailed once the transaction commits."""
    links = []
    for contact in contacts:
        link = SharedPlan.objects.create(
            tenant_id=account.tenant_id,
            account=account,
            contact=contact,
            email=contact.email,
            shared_by=actor,
            expires_on=expires_on,
        )
        record(account.tenant, actor, "plan.share", link, {"email": contact.email})
        notify.shared_plan(link)
        links.append(link)
    return links


def revoke(link: SharedPlan, actor) -> None:
    SharedPlan.objects.filter(pk=link.pk, revoked_at=None).update(revoked_at=timezone.now())
    record(link.account.tenant, actor, "plan.revoke", link, {"email": link.email})


def resolve(token: str) -> SharedPlan | None:
    """The live link a token names, or None when the token is bad, expired or revoked."""
    return SharedPlan.from_token(
        token,
        settings.SHARED_PLAN_MAX_AGE,
        SharedPlan.objects.filter(
            revoked_at=None, expires_on__gte=timezone.localdate()
        ).select_related("account__tenant", "account__owner__user", "contact"),
    )


def opened(link: SharedPlan, client: str) -> None:
    """Log who opened the plan (the link's contact) and when."""
    with tenant_context(link.tenant_id):
        now = timezone.now()
        SharedPlanVisit.objects.create(
            tenant_id=link.tenant_id, shared_plan=link, at=now, client=client
        )
        SharedPlan.objects.filter(pk=link.pk).update(last_opened_at=now)


def page(link: SharedPlan) -> dict:
    """What the customer sees: goals with KPIs and charts, the shared actions."""
    account = link.account
    with tenant_context(link.tenant_id):
        goals = objectives.decorate(
            objectives.with_kpis(account).exclude(status=Objective.Status.DROPPED)
        )
        answered = set(
            GoalResponse.objects.filter(shared_plan=link, confirmed=True).values_list(
                "objective_id", flat=True
            )
        )
        actions = list(
            Action.objects.filter(account=account, shared=True)
            .exclude(status=Action.Status.CANCELLED)
            .select_related("owner__user")
        )
    for goal in goals:
        goal.confirmed_here = goal.pk in answered
    return {"link": link, "account": account, "goals": goals, "actions": actions}


def goal_of(link: SharedPlan, pk: int) -> Objective | None:
    with tenant_context(link.tenant_id):
        return Objective.objects.filter(account_id=link.account_id, pk=pk).first()


def kpi_of(link: SharedPlan, pk: int) -> KPI | None:
    with tenant_context(link.tenant_id):
        return (
            KPI.objects.filter(objective__account_id=link.account_id, pk=pk)
            .select_related("objective")
            .first()
        )


def respond(link: SharedPlan, goal: Objective, confirmed: bool, comment: str) -> GoalResponse:
    """The customer confirms a goal, or comments on it; the owner hears of it."""
    with transaction.atomic(), tenant_context(link.tenant_id):
        response = GoalResponse.objects.create(
            tenant_id=link.tenant_id,
            account_id=link.account_id,
            objective=goal,
            shared_plan=link,
            contact=link.contact,
            confirmed=confirmed,
            comment=comment,
        )
        changes = {"goal": goal.title, "confirmed": confirmed, "comment": comment}
        record(link.account.tenant, None, "plan.goal_response", response, changes)
        what = "confirmed the goal" if confirmed else "commented on the goal"
        notify.plan_answer(link, f"goal:{response.pk}", f"{what} “{goal.title}”", comment)
    return response


def enter_value(
    link: SharedPlan, kpi: KPI, date: datetime.date, value: Decimal, note: str
) -> KPIMeasurement:
    """A KPI value from the customer, kept as a customer-sourced measurement."""
    with transaction.atomic(), tenant_context(link.tenant_id):
        measurement = KPIMeasurement.objects.create(
            tenant_id=link.tenant_id,
            kpi=kpi,
            date=date,
            value=value,
            note=note or f"Entered by {link.contact.name}",
            source=KPIMeasurement.Source.CUSTOMER,
        )
        changes = {"kpi": kpi.name, "date": date.isoformat(), "value": str(value), "by": link.email}
        record(link.account.tenant, None, "plan.customer_value", measurement, changes)
        notify.plan_answer(
            link,
            f"value:{measurement.pk}",
            f"entered {value.normalize():f} {kpi.unit} for “{kpi.name}” on {date:%d %b %Y}",
            note,
        )
    return measurement
