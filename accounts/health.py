"""Account health: 0–100 from weighted components, each with the inputs that explain it.

`gather` collects every account's inputs with a fixed number of aggregate queries per tenant
(whatever the number of accounts); `score` turns one account's inputs into a verdict and is
the same function for the nightly batch and for the account page. A component without data is
"no data": it is left out and the other weights re-normalised.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from accounts import metrics
from accounts.models import (
    Action,
    CustomerFeedback,
    FinancialPeriod,
    HealthSnapshot,
    InteractionContact,
    KeyAccount,
    KPIMeasurement,
    Objective,
    PlanRevision,
)

MODEL_VERSION = 1
COMPONENTS = {
    "customer_results": "Customer results",
    "engagement": "Engagement",
    "plan_vitality": "Plan vitality",
    "execution": "Execution",
    "sentiment": "Sentiment",
    "commercial": "Commercial",
}
DEFAULT_MODEL = {
    "weights": {
        "customer_results": 25,
        "engagement": 20,
        "plan_vitality": 15,
        "execution": 15,
        "sentiment": 15,
        "commercial": 10,
    },
    "bands": {"healthy": 70, "watch": 40},
    "cadence_days": {"strategic": 14, "key": 30, "development": 60},
    "thresholds": {"health_drop": 15, "leakage_pct": 15, "renewal_days": 90},
}
KEY_ROLES = {"decision_maker", "economic_buyer", "champion"}
YEAR = datetime.timedelta(days=365)


def model_for(tenant) -> dict:
    """The tenant's health model: its saved settings over the defaults."""
    saved = tenant.settings.get("health", {})
    return {key: {**value, **saved.get(key, {})} for key, value in DEFAULT_MODEL.items()}


@dataclass
class Inputs:
    """Everything health and the alert rules look at, for one account."""

    account_id: int
    tier: str
    owner_id: int | None
    renewal_date: datetime.date | None
    review_days: int
    last_reviewed: datetime.date | None = None
    next_review_due: datetime.date | None = None
    revisions_recent: int = 0
    attainment: dict[int, list[float]] = field(default_factory=dict)  # objective -> KPIs
    attainment_before: list[float] = field(default_factory=list)  # the same KPIs 90 days ago
    interactions: int = 0
    last_meaningful: datetime.date | None = None
    meaningful_90: int = 0
    engaged_contacts: int = 0
    roles_engaged: set[str] = field(default_factory=set)
    actions: int = 0
    done: int = 0
    done_on_time: int = 0
    overdue: int = 0
    overdue_long: int = 0
    planned_budget: Decimal = Decimal(0)
    actual_cost: Decimal = Decimal(0)
    nps: list[int] = field(default_factory=list)  # newest first
    csat: list[int] = field(default_factory=list)
    quarters: list[dict] = field(default_factory=list)  # oldest first, the last four
    previous_score: int | None = None
    best_score_30d: int | None = None
    stage_regressed: bool = False  # set by the RPM once it exists


def gather(tenant, account_ids: list[int] | None = None, today: datetime.date | None = None):
    """Inputs for the tenant's active accounts (or just `account_ids`): ten queries."""
    today = today or timezone.localdate()
    model = model_for(tenant)
    accounts = KeyAccount.objects.for_tenant(tenant).active()
    if account_ids is not None:
        accounts = accounts.filter(pk__in=account_ids)
    rows = accounts.values(
        "pk", "tier", "owner_id", "renewal_date", "plan__last_reviewed_at", "plan__next_review_due"
    )
    inputs = {}
    for row in rows:
        reviewed = row["plan__last_reviewed_at"]
        inputs[row["pk"]] = Inputs(
            account_id=row["pk"],
            tier=row["tier"],
            owner_id=row["owner_id"],
            renewal_date=row["renewal_date"],
            review_days=metrics.review_days(tenant.settings, row["tier"]),
            last_reviewed=timezone.localdate(reviewed) if reviewed else None,
            next_review_due=row["plan__next_review_due"],
        )
    ids = list(inputs)
    _kpis(inputs, ids, today)
    _engagement(inputs, ids, today)
    _plan_and_actions(inputs, ids, today, model)
    _feedback_and_money(inputs, ids, today)
    _history(inputs, ids, today)
    return inputs


def _latest_values(ids, before: datetime.date):
    return (
        KPIMeasurement.objects.filter(
            kpi__objective__account_id__in=ids,
            kpi__objective__status=Objective.Status.ACTIVE,
            date__lte=before,
        )
        .order_by("kpi_id", "-date", "-id")
        .distinct("kpi_id")
        .values(
            "kpi_id",
            "value",
            baseline=F("kpi__baseline"),
            target=F("kpi__target"),
            objective=F("kpi__objective_id"),
            account=F("kpi__objective__account_id"),
        )
    )


def _kpis(inputs, ids, today) -> None:
    now = {}
    for row in _latest_values(ids, today):
        value = metrics.attainment(row["baseline"], row["target"], row["value"])
        if value is not None:
            inputs[row["account"]].attainment.setdefault(row["objective"], []).append(value)
            now[row["kpi_id"]] = row["account"]
    for row in _latest_values(ids, today - datetime.timedelta(days=90)):
        value = metrics.attainment(row["baseline"], row["target"], row["value"])
        if value is not None and row["kpi_id"] in now:
            inputs[row["account"]].attainment_before.append(value)


def _engagement(inputs, ids, today) -> None:
    since = today - datetime.timedelta(days=90)
    from accounts.models import Interaction

    stats = (
        Interaction.objects.filter(account_id__in=ids)
        .values("account_id")
        .annotate(
            n=Count("id"),
            last=Max("date", filter=Q(meaningful=True)),
            recent=Count("id", filter=Q(meaningful=True, date__gte=since)),
        )
    )
    for row in stats:
        item = inputs[row["account_id"]]
        item.interactions, item.last_meaningful, item.meaningful_90 = (
            row["n"],
            row["last"],
            row["recent"],
        )
    engaged = (
        InteractionContact.objects.filter(
            interaction__account_id__in=ids, interaction__date__gte=since
        )
        .values("interaction__account_id", "contact_id", "contact__buying_role")
        .distinct()
    )
    for row in engaged:
        item = inputs[row["interaction__account_id"]]
        item.engaged_contacts += 1
        item.roles_engaged.add(row["contact__buying_role"])


def _plan_and_actions(inputs, ids, today, model) -> None:
    since = timezone.now() - datetime.timedelta(days=180)
    revisions = (
        PlanRevision.objects.filter(plan__account_id__in=ids, created_at__gte=since)
        .values("plan__account_id")
        .annotate(n=Count("id"))
    )
    for row in revisions:
        inputs[row["plan__account_id"]].revisions_recent = row["n"]
    open_ = Q(status__in=[Action.Status.PLANNED, Action.Status.IN_PROGRESS])
    stats = (
        Action.objects.filter(account_id__in=ids)
        .exclude(status=Action.Status.CANCELLED)
        .values("account_id")
        .annotate(
            n=Count("id"),
            done=Count("id", filter=Q(status=Action.Status.DONE)),
            on_time=Count("id", filter=Q(status=Action.Status.DONE, done_date__lte=F("due_date"))),
            overdue=Count("id", filter=open_ & Q(due_date__lt=today)),
            overdue_long=Count(
                "id", filter=open_ & Q(due_date__lt=today - datetime.timedelta(days=7))
            ),
            planned=Sum("planned_budget", filter=Q(actual_cost__isnull=False)),
            actual=Sum("actual_cost", filter=Q(planned_budget__isnull=False)),
        )
    )
    for row in stats:
        item = inputs[row["account_id"]]
        item.actions, item.done, item.done_on_time = row["n"], row["done"], row["on_time"]
        item.overdue, item.overdue_long = row["overdue"], row["overdue_long"]
        item.planned_budget = row["planned"] or Decimal(0)
        item.actual_cost = row["actual"] or Decimal(0)


def _feedback_and_money(inputs, ids, today) -> None:
    feedback = (
        CustomerFeedback.objects.filter(
            account_id__in=ids, date__gte=today.replace(year=today.year - 2)
        )
        .order_by("account_id", "-date", "-id")
        .values("account_id", "nps", "csat")
    )
    for row in feedback:
        item = inputs[row["account_id"]]
        if row["nps"] is not None:
            item.nps.append(row["nps"])
        if row["csat"] is not None:
            item.csat.append(row["csat"])
    start = _quarter_start(today)
    first = _add_months(start, -12)
    periods = (
        FinancialPeriod.objects.filter(
            account_id__in=ids,
            kind=FinancialPeriod.Kind.QUARTER,
            period_start__gte=first,
            period_start__lt=start,
        )
        .order_by("period_start")
        .values(
            "account_id",
            "period_start",
            "revenue",
            "cost",
            "discounts",
            "absorbed_costs",
            "upsell_amount",
            "cross_sell_amount",
        )
    )
    for row in periods:
        inputs[row["account_id"]].quarters.append(row)


def _history(inputs, ids, today) -> None:
    latest = (
        HealthSnapshot.objects.filter(account_id__in=ids)
        .order_by("account_id", "-computed_at", "-id")
        .distinct("account_id")
        .values("account_id", "score")
    )
    for row in latest:
        inputs[row["account_id"]].previous_score = row["score"]
    best = (
        HealthSnapshot.objects.filter(
            account_id__in=ids, computed_at__gte=timezone.now() - datetime.timedelta(days=30)
        )
        .values("account_id")
        .annotate(best=Max("score"))
    )
    for row in best:
        inputs[row["account_id"]].best_score_30d = row["best"]


def _quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


# ---- scoring -------------------------------------------------------------------------------


@dataclass
class Component:
    score: float | None
    inputs: dict
    hints: list[str]


def _clamp(value: float) -> float:
    return max(0.0, min(100.0, value))


def _linear(value: float, good: float, bad: float) -> float:
    """100 at `good` (or better), 0 at `bad` (or worse), straight in between."""
    if good == bad:
        return 100.0 if value <= good else 0.0
    return _clamp(100 * (bad - value) / (bad - good))


def customer_results(i: Inputs, model: dict, today) -> Component:
    per_objective = [sum(v) / len(v) for v in i.attainment.values() if v]
    if not per_objective:
        return Component(None, {}, ["Record KPI measurements for the customer's objectives."])
    mean = sum(per_objective) / len(per_objective)
    on_track = sum(1 for a in per_objective if a >= 0.5) / len(per_objective)
    hints = (
        []
        if mean >= 0.8
        else ["Move the lagging KPIs: agree actions on the objectives furthest from target."]
    )
    return Component(
        100 * (0.7 * mean + 0.3 * on_track),
        {
            "mean KPI attainment": f"{mean:.0%}",
            "objectives on track (≥50%)": f"{on_track:.0%}",
            "objectives measured": len(per_objective),
        },
        hints,
    )


def engagement(i: Inputs, model: dict, today) -> Component:
    if not i.interactions:
        return Component(None, {}, ["Log your meetings and calls with the customer."])
    cadence = int(model["cadence_days"].get(i.tier, 30))
    days = (today - i.last_meaningful).days if i.last_meaningful else None
    recency = 0.0 if days is None else _linear(days, cadence, 3 * cadence)
    expected = max(1.0, 90 / cadence)
    frequency = _clamp(100 * i.meaningful_90 / expected)
    breadth = _clamp(100 * i.engaged_contacts / 3)
    covered = KEY_ROLES & i.roles_engaged
    coverage = 100 * len(covered) / len(KEY_ROLES)
    hints = []
    if days is None or days > cadence:
        hints.append(f"Have a meaningful conversation: cadence is every {cadence} days.")
    if i.engaged_contacts < 3:
        hints.append("Engage more stakeholders (breadth).")
    if missing := KEY_ROLES - covered:
        hints.append("Engage the " + ", ".join(sorted(r.replace("_", " ") for r in missing)) + ".")
    return Component(
        0.4 * recency + 0.25 * frequency + 0.15 * breadth + 0.2 * coverage,
        {
            "days since meaningful contact": days if days is not None else "never",
            "cadence (days)": cadence,
            "meaningful contacts in 90 days": i.meaningful_90,
            "stakeholders engaged in 90 days": i.engaged_contacts,
            "key roles engaged": f"{len(covered)} of {len(KEY_ROLES)}",
        },
        hints,
    )


def plan_vitality(i: Inputs, model: dict, today) -> Component:
    days = (today - i.last_reviewed).days if i.last_reviewed else None
    review = 0.0 if days is None else _linear(days, i.review_days, 2 * i.review_days)
    revisions = _clamp(100 * i.revisions_recent / 2)
    hints = []
    if days is None or days > i.review_days:
        hints.append("Review the account plan (it is past its review date).")
    if i.revisions_recent < 2:
        hints.append("Revise the plan as you learn: two revisions per two review cycles.")
    return Component(
        0.7 * review + 0.3 * revisions,
        {
            "days since plan review": days if days is not None else "never",
            "review cadence (days)": i.review_days,
            "plan revisions in 180 days": i.revisions_recent,
        },
        hints,
    )


def execution(i: Inputs, model: dict, today) -> Component:
    if not i.actions:
        return Component(None, {}, ["Plan actions towards the customer's objectives."])
    parts = {"overdue": (_linear(i.overdue, 0, 5), 0.4)}
    if i.done:
        parts["on_time"] = (100 * i.done_on_time / i.done, 0.4)
    if i.planned_budget:
        parts["budget"] = (_linear(float(i.actual_cost / i.planned_budget), 1.0, 1.5), 0.2)
    total = sum(w for _, w in parts.values())
    hints = []
    if i.overdue:
        hints.append(f"Close or re-plan the {i.overdue} overdue action(s).")
    if "budget" in parts and parts["budget"][0] < 100:
        hints.append("Bring action spend back within the planned budget.")
    return Component(
        sum(s * w for s, w in parts.values()) / total,
        {
            "actions done on time": f"{i.done_on_time} of {i.done}",
            "overdue actions": i.overdue,
            "spend vs planned budget": f"{float(i.actual_cost / i.planned_budget):.0%}"
            if i.planned_budget
            else "no budgets",
        },
        hints,
    )


def sentiment(i: Inputs, model: dict, today) -> Component:
    if not i.nps and not i.csat:
        return Component(None, {}, ["Ask the customer for NPS or CSAT feedback."])
    scores = []
    if i.nps:
        scores.append(10 * i.nps[0])
    if i.csat:
        scores.append(25 * (i.csat[0] - 1))
    change = i.nps[0] - i.nps[1] if len(i.nps) > 1 else 0
    score = _clamp(sum(scores) / len(scores) + max(-20, min(10, 5 * change)))
    hints = (
        ["Follow up on the last feedback with the detractor."] if i.nps and i.nps[0] <= 6 else []
    )
    return Component(
        score,
        {
            "latest NPS": i.nps[0] if i.nps else "none",
            "NPS change": change,
            "latest CSAT": i.csat[0] if i.csat else "none",
        },
        hints,
    )


def _sums(quarters: list[dict]) -> dict:
    keys = ["revenue", "cost", "discounts", "absorbed_costs", "upsell_amount", "cross_sell_amount"]
    return {k: sum((q[k] for q in quarters), Decimal(0)) for k in keys}


def money(i: Inputs) -> dict | None:
    """Last two quarters against the two before, as the commercial component and rules use."""
    if len(i.quarters) < 4:
        return None
    before, recent = _sums(i.quarters[-4:-2]), _sums(i.quarters[-2:])
    if not before["revenue"] or not recent["revenue"]:
        return None

    def margin_pct(s):
        return metrics.margin_pct(s["revenue"], s["cost"], s["discounts"], s["absorbed_costs"])

    return {
        "growth": float(recent["revenue"] / before["revenue"] - 1),
        "margin_change": margin_pct(recent) - margin_pct(before),
        "leakage": float((recent["discounts"] + recent["absorbed_costs"]) / recent["revenue"]),
        "expansion_growth": float(
            (recent["upsell_amount"] + recent["cross_sell_amount"])
            / max(before["upsell_amount"] + before["cross_sell_amount"], Decimal(1))
            - 1
        ),
    }


def commercial(i: Inputs, model: dict, today) -> Component:
    m = money(i)
    if m is None:
        return Component(None, {}, ["Enter four quarters of revenue and cost."])
    trend = _clamp(50 + 250 * m["growth"])
    margin = _clamp(50 + 500 * m["margin_change"])
    leakage = _linear(m["leakage"], 0.05, 0.25)
    hints = []
    if m["leakage"] > 0.05:
        hints.append("Cut discounts and absorbed costs: they eat the margin.")
    if m["growth"] < 0:
        hints.append("Revenue is shrinking: find the next renewal or expansion.")
    return Component(
        0.35 * trend + 0.25 * margin + 0.4 * leakage,
        {
            "revenue, last 2 quarters vs 2 before": f"{m['growth']:+.0%}",
            "margin change (points)": f"{100 * m['margin_change']:+.1f}",
            "discounts + absorbed costs / revenue": f"{m['leakage']:.0%}",
        },
        hints,
    )


SCORERS = {
    "customer_results": customer_results,
    "engagement": engagement,
    "plan_vitality": plan_vitality,
    "execution": execution,
    "sentiment": sentiment,
    "commercial": commercial,
}


@dataclass
class Health:
    score: int | None
    band: str
    components: dict


def band_for(score: int | None, model: dict) -> str:
    if score is None:
        return ""
    if score >= model["bands"]["healthy"]:
        return "healthy"
    return "watch" if score >= model["bands"]["watch"] else "at_risk"


def score(i: Inputs, model: dict, today: datetime.date | None = None) -> Health:
    today = today or timezone.localdate()
    parts = {name: scorer(i, model, today) for name, scorer in SCORERS.items()}
    weights = {
        n: float(model["weights"].get(n, 0)) for n, c in parts.items() if c.score is not None
    }
    total = sum(weights.values())
    components = {}
    for name, part in parts.items():
        share = weights.get(name, 0) / total if total else 0
        components[name] = {
            "label": COMPONENTS[name],
            "score": None if part.score is None else round(part.score),
            "weight": model["weights"].get(name, 0),
            "points": None if part.score is None else round(share * part.score, 1),
            "inputs": part.inputs,
            "hints": part.hints,
        }
    value = (
        round(sum(c["points"] for c in components.values() if c["points"] is not None))
        if total
        else None
    )
    return Health(value, band_for(value, model), components)


def account_health(account: KeyAccount) -> tuple[Inputs, Health]:
    """The same scoring the batch does, for one account (the account page)."""
    inputs = gather(account.tenant, [account.pk])[account.pk]
    return inputs, score(inputs, model_for(account.tenant))


def recalculate(tenant, progress=None) -> int:
    """Score every active account of the tenant and write one snapshot each (one bulk insert),
    then evaluate the alert rules. Returns the number of accounts scored."""
    from accounts import alerts

    report = progress or (lambda step, done, total: None)
    model = model_for(tenant)
    today = timezone.localdate()
    report("gathering", 0, 0)
    inputs = gather(tenant, today=today)
    report("scoring", 0, len(inputs))
    verdicts = {pk: score(item, model, today) for pk, item in inputs.items()}
    now = timezone.now()
    HealthSnapshot.objects.bulk_create(
        HealthSnapshot(
            tenant=tenant,
            account_id=pk,
            computed_at=now,
            score=v.score,
            band=v.band,
            components=v.components,
            model_version=MODEL_VERSION,
        )
        for pk, v in verdicts.items()
    )
    report("alerts", len(inputs), len(inputs))
    alerts.evaluate(tenant, inputs, verdicts, model, today)
    return len(inputs)
