"""The account at a glance: goals and how the customer is doing on them, what we are doing,
when we last talked, what is overdue."""

from django.utils import timezone

from accounts import metrics, objectives
from accounts.models import Action, HealthSnapshot, KeyAccount, Objective
from accounts.portfolio import OPEN_ACTIONS


def overview(account: KeyAccount) -> dict:
    today = timezone.localdate()
    goals = objectives.decorate(
        objectives.with_kpis(account).filter(status=Objective.Status.ACTIVE), charts=False
    )
    known = [g.attainment_pct for g in goals if g.attainment_pct is not None]
    open_actions = Action.objects.filter(account=account, status__in=OPEN_ACTIONS)
    actions = list(open_actions.select_related("owner__user").order_by("due_date")[:8])
    for action in actions:
        action.overdue = metrics.is_overdue(action.due_date, action.status, today)
    last = account.last_contact
    plan = account.plan
    return {
        "health": HealthSnapshot.objects.filter(account=account).first(),
        "goals": goals,
        "mean_attainment": round(sum(known) / len(known)) if known else None,
        "open_actions": actions,
        "overdue_count": open_actions.filter(due_date__lt=today).count(),
        "last_contact": last,
        "days_since_contact": (today - last).days if last else None,
        "plan_stale": metrics.is_stale(plan.next_review_due, today),
        "renews_in": metrics.days_until(account.renewal_date, today),
    }
