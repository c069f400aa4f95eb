"""How far each account follows the tenant's KAM process.

`gather` reads the facts of every data check for a set of accounts in a fixed number of
queries (one per kind of fact, whatever the number of accounts); `evaluate` turns one
account's facts into done / missing items per stage with what to do next.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery

from accounts import metrics
from accounts.models import (
    KPI,
    Action,
    Contact,
    CustomerFeedback,
    Interaction,
    InteractionContact,
    KeyAccount,
    KPIMeasurement,
    Objective,
    ProcessConfirmation,
    ProcessItem,
)
from accounts.process.definition import items_for
from kamapp import db

Rule = ProcessItem.Rule
BUYERS = {Contact.BuyingRole.ECONOMIC_BUYER, Contact.BuyingRole.DECISION_MAKER}
BUYERS_WITHIN_DAYS = 90
FEEDBACK_WITHIN_DAYS = 182
FOLLOWED = 80  # percent of the applicable items done for the process to count as followed
OPEN = [Action.Status.PLANNED, Action.Status.IN_PROGRESS]


@dataclass
class Facts:
    """What the data checks read for one account."""

    tier: str
    plan_review_due: datetime.date | None = None
    goals: int = 0
    goals_with_kpis: int = 0
    buyers_met: set = field(default_factory=set)
    actions: int = 0
    actions_unowned: int = 0
    kpis: int = 0
    kpis_due: int = 0
    qbr: datetime.date | None = None
    feedback: datetime.date | None = None
    confirmations: dict = field(default_factory=dict)  # item id -> ProcessConfirmation


@dataclass
class ItemState:
    item: ProcessItem
    done: bool
    detail: str
    confirmation: ProcessConfirmation | None = None


@dataclass
class StageState:
    name: str
    description: str
    items: list[ItemState]

    @property
    def done(self) -> int:
        return sum(i.done for i in self.items)


@dataclass
class Conformance:
    stages: list[StageState]

    @property
    def applicable(self) -> int:
        return sum(len(s.items) for s in self.stages)

    @property
    def done(self) -> int:
        return sum(s.done for s in self.stages)

    @property
    def percent(self) -> int | None:
        """None when no item applies (an empty process, or none for this tier)."""
        return round(100 * self.done / self.applicable) if self.applicable else None

    @property
    def followed(self) -> bool:
        return self.percent is not None and self.percent >= FOLLOWED

    @property
    def next_steps(self) -> list[ItemState]:
        return [i for s in self.stages for i in s.items if not i.done]


def _quarter_start(day: datetime.date) -> datetime.date:
    return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)


def gather(tenant, accounts: QuerySet[KeyAccount], today: datetime.date) -> dict[int, Facts]:
    """The facts of every data check for `accounts`: nine queries for any number of them."""
    facts = {
        pk: Facts(tier=tier, plan_review_due=due)
        for pk, tier, due in db.rows(
            accounts.order_by().values_list("pk", "tier", "plan__next_review_due")
        )
    }
    ids = list(facts)
    for pk, goals, with_kpis in db.rows(
        Objective.objects.for_tenant(tenant)
        .filter(account_id__any=ids, status=Objective.Status.ACTIVE)
        .values("account_id")
        .annotate(n=Count("id", distinct=True), with_kpis=Count("kpis__objective", distinct=True))
        .values_list("account_id", "n", "with_kpis")
    ):
        facts[pk].goals, facts[pk].goals_with_kpis = goals, with_kpis
    for pk, role in db.rows(
        InteractionContact.objects.for_tenant(tenant)
        .filter(
            interaction__account_id__any=ids,
            interaction__date__gte=today - datetime.timedelta(days=BUYERS_WITHIN_DAYS),
            interaction__date__lte=today,
            contact__buying_role__in=BUYERS,
        )
        .values_list("interaction__account_id", "contact__buying_role")
        .distinct()
    ):
        facts[pk].buyers_met.add(role)
    for pk, actions, unowned in db.rows(
        Action.objects.for_tenant(tenant)
        .filter(account_id__any=ids)
        .exclude(status=Action.Status.CANCELLED)
        .values("account_id")
        .annotate(
            n=Count("id"),
            unowned=Count("id", filter=Q(status__in=OPEN) & (Q(owner=None) | Q(due_date=None))),
        )
        .values_list("account_id", "n", "unowned")
    ):
        facts[pk].actions, facts[pk].actions_unowned = actions, unowned
    # one probe of the (tenant, kpi, -date) index per KPI, not every measurement
    latest = (
        KPIMeasurement.objects.filter(
            tenant=OuterRef("tenant"), kpi=OuterRef("pk"), date__lte=today
        )
        .order_by("-date")
        .values("date")
    )
    for pk, cadence, last in db.rows(
        KPI.objects.for_tenant(tenant)
        .filter(objective__account_id__any=ids, objective__status=Objective.Status.ACTIVE)
        .annotate(last=Subquery(latest.values("date")[:1]))
        .order_by()
        .values_list("objective__account_id", "cadence_days", "last")
    ):
        facts[pk].kpis += 1
        facts[pk].kpis_due += last is None or (today - last).days > cadence
    for pk, last in db.rows(
        Interaction.objects.for_tenant(tenant)
        .filter(
            account_id__any=ids,
            kind=Interaction.Kind.QBR,
            date__range=(_quarter_start(today), today),
        )
        .values("account_id")
        .annotate(last=Max("date"))
        .values_list("account_id", "last")
    ):
        facts[pk].qbr = last
    for pk, last in db.rows(
        CustomerFeedback.objects.for_tenant(tenant)
        .filter(
            account_id__any=ids,
            date__range=(today - datetime.timedelta(days=FEEDBACK_WITHIN_DAYS), today),
        )
        .values("account_id")
        .annotate(last=Max("date"))
        .values_list("account_id", "last")
    ):
        facts[pk].feedback = last
    for confirmation in (
        ProcessConfirmation.objects.for_tenant(tenant)
        .filter(account_id__any=ids, confirmed_on__lte=today)
        .select_related("confirmed_by")
        .order_by("account_id", "item_id", "-confirmed_on", "-id")
        .distinct("account_id", "item_id")
    ):
        facts[confirmation.account_id].confirmations[confirmation.item_id] = confirmation
    return facts


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _check(item: ProcessItem, f: Facts, today: datetime.date) -> ItemState:
    """One item for one account: done or not, and the fact that says so."""
    match item.rule:
        case Rule.GOALS:
            done = f.goals > 0 and f.goals_with_kpis == f.goals
            detail = (
                f"{f.goals_with_kpis} of {_plural(f.goals, 'active goal')} with KPIs"
                if f.goals
                else "No active customer goal recorded."
            )
        case Rule.BUYERS_MET:
            done = f.buyers_met >= BUYERS
            missing = [Contact.BuyingRole(r).label.lower() for r in sorted(BUYERS - f.buyers_met)]
            detail = "Both met." if done else f"Not met in 90 days: {', '.join(missing)}."
        case Rule.ACTIONS_OWNED:
            done = f.actions > 0 and f.actions_unowned == 0
            detail = (
                f"{_plural(f.actions_unowned, 'open action')} without an owner or due date."
                if f.actions
                else "No action planned yet."
            )
        case Rule.KPIS_MEASURED:
            done = f.kpis > 0 and f.kpis_due == 0
            detail = (
                f"{f.kpis - f.kpis_due} of {_plural(f.kpis, 'KPI')} measured on cadence."
                if f.kpis
                else "No KPI to measure yet."
            )
        case Rule.QBR:
            done = f.qbr is not None
            detail = f"QBR on {f.qbr:%d %b %Y}." if done else "No QBR this quarter."
        case Rule.PLAN_REVIEWED:
            done = not metrics.is_stale(f.plan_review_due, today)
            detail = (
                f"Next review due {f.plan_review_due:%d %b %Y}."
                if f.plan_review_due
                else "The plan was never reviewed."
            )
        case Rule.FEEDBACK:
            done = f.feedback is not None
            detail = f"Last on {f.feedback:%d %b %Y}." if done else "None in the last 6 months."
        case _:
            confirmation = f.confirmations.get(item.pk)
            done = (
                confirmation is not None
                and (today - confirmation.confirmed_on).days <= item.confirm_every_days
            )
            detail = (
                f"Confirmed on {confirmation.confirmed_on:%d %b %Y}: {confirmation.note}"
                if confirmation
                else "Not confirmed yet."
            )
            if confirmation and not done:
                detail += " (due again)"
            return ItemState(item, done, detail, confirmation)
    return ItemState(item, done, detail)


def evaluate(items: Iterable[ProcessItem], facts: Facts, today: datetime.date) -> Conformance:
    """One account's conformance: the items that apply to its tier, stage by stage."""
    stages: dict[int, StageState] = {}
    for item in items:
        if not item.applies_to(facts.tier):
            continue
        stage = stages.setdefault(
            item.stage_id, StageState(item.stage.name, item.stage.description, [])
        )
        stage.items.append(_check(item, facts, today))
    return Conformance(list(stages.values()))


def for_accounts(
    tenant, accounts: QuerySet[KeyAccount], today: datetime.date
) -> dict[int, Conformance]:
    """Every account's conformance: ten queries, whatever the number of accounts."""
    items = items_for(tenant)
    return {pk: evaluate(items, f, today) for pk, f in gather(tenant, accounts, today).items()}


def percents(tenant, accounts: QuerySet[KeyAccount], today: datetime.date) -> dict[int, int]:
    """Account id -> conformance %, for the accounts any process item applies to: what
    `Conformance.percent` gives, without building the stages (the health run asks for
    thousands of accounts)."""
    items = items_for(tenant)
    by_tier: dict[str, list[ProcessItem]] = {}
    out = {}
    for pk, facts in gather(tenant, accounts, today).items():
        if facts.tier not in by_tier:
            by_tier[facts.tier] = [item for item in items if item.applies_to(facts.tier)]
        if applicable := by_tier[facts.tier]:
            done = sum(_check(item, facts, today).done for item in applicable)
            out[pk] = round(100 * done / len(applicable))
    return out
