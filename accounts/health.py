"""Account health: 0–100 from weighted components, each with the inputs that explain it.

`gather` collects every account's inputs with a fixed number of aggregate queries per tenant
(whatever the number of accounts); `score` turns one account's inputs into a verdict and is
the same function for the nightly batch and for the account page. A component without data is
"no data": it is left out and the other weights re-normalised.
"""

import datetime
import gc
import json
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, FloatField, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast, JSONObject, TruncDate
from django.utils import timezone

from accounts import metrics
from accounts.models import (
    KPI,
    Action,
    CustomerFeedback,
    FinancialPeriod,
    HealthSnapshot,
    Interaction,
    InteractionContact,
    KeyAccount,
    KPIMeasurement,
    Objective,
    PlanRevision,
)
from kamapp import db

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
QUARTER = datetime.timedelta(days=90)
BEST_DAYS = 30
MISSING = object()
AMOUNTS = ["revenue", "cost", "discounts", "absorbed_costs", "upsell_amount", "cross_sell_amount"]


# Functions (inputs, account id queryset, today) that add facts to the inputs, set-based; apps
# that depend on accounts register theirs (the RPM adds its assessments).
EXTENSIONS: list = []


# Functions (tenant, model) that add other apps' settings to the model the rules read.
MODEL_HOOKS: list = []


def model_for(tenant) -> dict:
    """The tenant's health model: its saved settings over the defaults."""
    saved = tenant.settings.get("health", {})
    model = {key: {**value, **saved.get(key, {})} for key, value in DEFAULT_MODEL.items()}
    for hook in MODEL_HOOKS:
        hook(tenant, model)
    return model


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
    planned_budget: float = 0.0
    actual_cost: float = 0.0
    nps: list[int] = field(default_factory=list)  # newest first
    csat: list[int] = field(default_factory=list)
    # sums over the last two quarters ("recent") and the two before ("before"), with "n"
    # the number of quarters found in each half
    finance: dict = field(default_factory=dict)
    previous_score: int | None = None
    daily_best: list[int | None] = field(default_factory=list)  # today first, 30 days
    stage_regressed: bool = False  # set by the RPM through EXTENSIONS
    extra: dict = field(default_factory=dict)  # facts other apps add through EXTENSIONS
    money: object = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        self.money = MISSING

    @property
    def best_score_30d(self) -> int | None:
        return max((s for s in self.daily_best if s is not None), default=None)


def gather(tenant, account_ids: list[int] | None = None, today: datetime.date | None = None):
    """Inputs for the tenant's active accounts (or just `account_ids`): eight queries."""
    today = today or timezone.localdate()
    accounts = KeyAccount.objects.for_tenant(tenant).active()
    if account_ids is not None:
        accounts = accounts.filter(pk__in=account_ids)
    # Child queries select by a subquery, not a list of thousands of ids.
    ids = accounts.values("pk")
    # rows stamped with a time count up to the end of `today`, as dated rows do
    day_after = datetime.datetime.combine(
        today + datetime.timedelta(days=1), datetime.time(), timezone.get_current_timezone()
    )
    facts = [
        _kpis(ids, today),
        _interactions(ids, today),
        _engaged(ids, today),
        _revisions(ids, day_after),
        _actions(ids, today),
        _feedback(ids, today),
        _finance(ids, today),
    ]
    # the latest snapshot: one index probe per account, however long the history
    previous = (
        HealthSnapshot.objects.filter(
            tenant=OuterRef("tenant"), account=OuterRef("pk"), computed_at__lt=day_after
        )
        .order_by("-computed_at", "-id")
        .values(json=JSONObject(score="score", day=TruncDate("computed_at"), best="daily_best"))
    )
    base = accounts.values_list(
        "pk",
        "tier",
        "owner_id",
        "renewal_date",
        TruncDate("plan__last_reviewed_at"),
        "plan__next_review_due",
        Subquery(previous[:1]),
    )
    inputs = {}
    for pk, tier, owner, renewal, reviewed, due, snapshot in db.rows(base):
        item = inputs[pk] = Inputs(
            account_id=pk,
            tier=tier,
            owner_id=owner,
            renewal_date=renewal,
            review_days=metrics.review_days(tenant.settings, tier),
            last_reviewed=reviewed,
            next_review_due=due,
        )
        _previous(item, snapshot, today)
    for query, fold in facts:
        fold(inputs, db.rows(query))
    for extend in EXTENSIONS:
        extend(inputs, ids, today)
    return inputs


# Each fact source below is (query, fold): the query's rows, folded into the inputs.


def _float(amount: Sum) -> Cast:
    """Sums of money as floats: they only feed ratios, and Decimals cost more to load."""
    return Cast(amount, FloatField())


def _kpis(ids, today):
    """Each active KPI's latest value now and 90 days ago: two index lookups per KPI on
    (tenant, kpi, date)."""

    def latest(on_or_before: datetime.date) -> Subquery:
        values = KPIMeasurement.objects.filter(
            tenant=OuterRef("tenant"), kpi=OuterRef("pk"), date__lte=on_or_before
        ).order_by("-date", "-id")
        return Subquery(values.values("value")[:1])

    query = (
        KPI.objects.filter(objective__account_id__in=ids, objective__status=Objective.Status.ACTIVE)
        .annotate(now=latest(today), before=latest(today - datetime.timedelta(days=90)))
        .order_by()
        .values_list("objective__account_id", "objective_id", "baseline", "target", "now", "before")
    )

    def fold(inputs, rows):
        for account, objective, baseline, target, value, value_before in rows:
            now = metrics.attainment(baseline, target, value)
            if now is None:
                continue
            item = inputs[account]
            item.attainment.setdefault(objective, []).append(now)
            before = metrics.attainment(baseline, target, value_before)
            if before is not None:
                item.attainment_before.append(before)

    return query, fold


def _interactions(ids, today):
    query = (
        Interaction.objects.filter(account_id__in=ids, date__lte=today)  # none planned ahead
        .values("account_id")
        .annotate(
            n=Count("id"),
            last=Max("date", filter=Q(meaningful=True)),
            recent=Count("id", filter=Q(meaningful=True, date__gte=today - QUARTER)),
        )
        .values_list("account_id", "n", "last", "recent")
    )

    def fold(inputs, rows):
        for account, n, last, recent in rows:
            item = inputs[account]
            item.interactions, item.last_meaningful, item.meaningful_90 = n, last, recent

    return query, fold


def _engaged(ids, today):
    """The distinct stakeholders met in the last 90 days, with their buying roles."""
    query = (
        InteractionContact.objects.filter(
            interaction__account_id__in=ids,
            interaction__date__range=(today - QUARTER, today),
        )
        .values_list("interaction__account_id", "contact_id", "contact__buying_role")
        .distinct()
    )

    def fold(inputs, rows):
        for account, _, role in rows:
            item = inputs[account]
            item.engaged_contacts += 1
            item.roles_engaged.add(role)

    return query, fold


def _revisions(ids, day_after):
    query = (
        PlanRevision.objects.filter(
            plan__account_id__in=ids,
            created_at__gte=day_after - 2 * QUARTER,
            created_at__lt=day_after,
        )
        .values("plan__account_id")
        .annotate(n=Count("id"))
        .values_list("plan__account_id", "n")
    )

    def fold(inputs, rows):
        for account, n in rows:
            inputs[account].revisions_recent = n

    return query, fold


def _actions(ids, today):
    open_ = Q(status__in=[Action.Status.PLANNED, Action.Status.IN_PROGRESS])
    done = Q(status=Action.Status.DONE)
    query = (
        Action.objects.filter(account_id__in=ids)
        .exclude(status=Action.Status.CANCELLED)
        .values("account_id")
        .annotate(
            n=Count("id"),
            done=Count("id", filter=done),
            on_time=Count("id", filter=done & Q(done_date__lte=F("due_date"))),
            overdue=Count("id", filter=open_ & Q(due_date__lt=today)),
            overdue_long=Count(
                "id", filter=open_ & Q(due_date__lt=today - datetime.timedelta(days=7))
            ),
            planned=_float(Sum("planned_budget", filter=Q(actual_cost__isnull=False))),
            actual=_float(Sum("actual_cost", filter=Q(planned_budget__isnull=False))),
        )
        .values_list(
            "account_id", "n", "done", "on_time", "overdue", "overdue_long", "planned", "actual"
        )
    )

    def fold(inputs, rows):
        for account, n, done, on_time, overdue, overdue_long, planned, actual in rows:
            item = inputs[account]
            item.actions, item.done, item.done_on_time = n, done, on_time
            item.overdue, item.overdue_long = overdue, overdue_long
            item.planned_budget, item.actual_cost = planned or 0.0, actual or 0.0

    return query, fold


def _feedback(ids, today):
    query = (
        CustomerFeedback.objects.filter(
            account_id__in=ids, date__range=(today.replace(year=today.year - 2), today)
        )
        .order_by("account_id", "-date", "-id")
        .values_list("account_id", "nps", "csat")
    )

    def fold(inputs, rows):
        for account, nps, csat in rows:
            item = inputs[account]
            if nps is not None:
                item.nps.append(nps)
            if csat is not None:
                item.csat.append(csat)

    return query, fold


def _finance(ids, today):
    """Quarterly sums over the last two quarters ("recent") and the two before ("before")."""
    start = _quarter_start(today)
    halves = {
        "recent": Q(period_start__gte=_add_months(start, -6)),
        "before": Q(period_start__lt=_add_months(start, -6)),
    }
    sums = {}
    for half, when in halves.items():
        sums[f"{half}_n"] = Count("id", filter=when)
        for amount in AMOUNTS:
            sums[f"{half}_{amount}"] = _float(Sum(amount, filter=when))
    query = (
        FinancialPeriod.objects.filter(
            account_id__in=ids,
            kind=FinancialPeriod.Kind.QUARTER,
            period_start__gte=_add_months(start, -12),
            period_start__lt=start,
        )
        .values("account_id")
        .annotate(**sums)
        .values_list("account_id", *sums)
    )
    names = list(sums)

    def fold(inputs, rows):
        for account, *values in rows:
            row = dict(zip(names, values, strict=True))
            inputs[account].finance = {
                half: {"n": row[f"{half}_n"], **{a: row[f"{half}_{a}"] or 0 for a in AMOUNTS}}
                for half in halves
            }

    return query, fold


def _previous(item: Inputs, snapshot: str | None, today: datetime.date) -> None:
    """The account's latest snapshot (JSON): its score, and its 30-day bests moved to
    `today`."""
    if snapshot is None:
        return
    snapshot = json.loads(snapshot)
    gap = max(0, (today - datetime.date.fromisoformat(snapshot["day"])).days)
    item.previous_score = snapshot["score"]
    item.daily_best = ([None] * gap + (snapshot["best"] or [snapshot["score"]]))[:BEST_DAYS]


def _quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


# ---- scoring -------------------------------------------------------------------------------


@dataclass
class Component:
    score: float | None
    facts: dict  # plain numbers (None: unknown); labels and hints come from `explain`


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
        return Component(None, {})
    mean = sum(per_objective) / len(per_objective)
    on_track = sum(1 for a in per_objective if a >= 0.5) / len(per_objective)
    facts = {
        "attainment": round(mean, 3),
        "on_track": round(on_track, 3),
        "measured": len(per_objective),
    }
    return Component(100 * (0.7 * mean + 0.3 * on_track), facts)


def engagement(i: Inputs, model: dict, today) -> Component:
    if not i.interactions:
        return Component(None, {})
    cadence = int(model["cadence_days"].get(i.tier, 30))
    days = (today - i.last_meaningful).days if i.last_meaningful else None
    recency = 0.0 if days is None else _linear(days, cadence, 3 * cadence)
    frequency = _clamp(100 * i.meaningful_90 / max(1.0, 90 / cadence))
    breadth = _clamp(100 * i.engaged_contacts / 3)
    covered = sorted(KEY_ROLES & i.roles_engaged)
    coverage = 100 * len(covered) / len(KEY_ROLES)
    facts = {
        "days": days,
        "cadence": cadence,
        "meaningful_90": i.meaningful_90,
        "engaged": i.engaged_contacts,
        "roles": covered,
    }
    return Component(0.4 * recency + 0.25 * frequency + 0.15 * breadth + 0.2 * coverage, facts)


def plan_vitality(i: Inputs, model: dict, today) -> Component:
    days = (today - i.last_reviewed).days if i.last_reviewed else None
    review = 0.0 if days is None else _linear(days, i.review_days, 2 * i.review_days)
    revisions = _clamp(100 * i.revisions_recent / 2)
    facts = {"days": days, "cadence": i.review_days, "revisions": i.revisions_recent}
    return Component(0.7 * review + 0.3 * revisions, facts)


def execution(i: Inputs, model: dict, today) -> Component:
    if not i.actions:
        return Component(None, {})
    parts = {"overdue": (_linear(i.overdue, 0, 5), 0.4)}
    if i.done:
        parts["on_time"] = (100 * i.done_on_time / i.done, 0.4)
    spend = i.actual_cost / i.planned_budget if i.planned_budget else None
    if spend is not None:
        parts["budget"] = (_linear(spend, 1.0, 1.5), 0.2)
    total = sum(w for _, w in parts.values())
    facts = {
        "done": i.done,
        "on_time": i.done_on_time,
        "overdue": i.overdue,
        "spend": None if spend is None else round(spend, 3),
    }
    return Component(sum(s * w for s, w in parts.values()) / total, facts)


def sentiment(i: Inputs, model: dict, today) -> Component:
    if not i.nps and not i.csat:
        return Component(None, {})
    scores = []
    if i.nps:
        scores.append(10 * i.nps[0])
    if i.csat:
        scores.append(25 * (i.csat[0] - 1))
    change = i.nps[0] - i.nps[1] if len(i.nps) > 1 else 0
    facts = {
        "nps": i.nps[0] if i.nps else None,
        "change": change,
        "csat": i.csat[0] if i.csat else None,
    }
    return Component(_clamp(sum(scores) / len(scores) + max(-20, min(10, 5 * change))), facts)


def money(i: Inputs) -> dict | None:
    """Last two quarters against the two before, as the commercial component and rules use
    (computed once per inputs)."""
    if i.money is MISSING:
        i.money = _money(i)
    return i.money


def _money(i: Inputs) -> dict | None:
    recent, before = i.finance.get("recent"), i.finance.get("before")
    if not recent or recent["n"] < 2 or before["n"] < 2:
        return None
    if not before["revenue"] or not recent["revenue"]:
        return None

    def margin_pct(s):
        return metrics.margin_pct(s["revenue"], s["cost"], s["discounts"], s["absorbed_costs"])

    def expansion(s):
        return s["upsell_amount"] + s["cross_sell_amount"]

    return {
        "growth": recent["revenue"] / before["revenue"] - 1,
        "margin_change": margin_pct(recent) - margin_pct(before),
        "leakage": (recent["discounts"] + recent["absorbed_costs"]) / recent["revenue"],
        "expansion_growth": expansion(recent) / max(expansion(before), 1) - 1,
    }


def commercial(i: Inputs, model: dict, today) -> Component:
    m = money(i)
    if m is None:
        return Component(None, {})
    trend = _clamp(50 + 250 * m["growth"])
    margin = _clamp(50 + 500 * m["margin_change"])
    leakage = _linear(m["leakage"], 0.05, 0.25)
    facts = {
        "growth": round(m["growth"], 3),
        "margin_change": round(m["margin_change"], 4),
        "leakage": round(m["leakage"], 3),
    }
    return Component(0.35 * trend + 0.25 * margin + 0.4 * leakage, facts)


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
    components: dict  # name -> {"score", "weight", "points", "facts"}: small, stored per run


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
        # points from the shown (whole) score, so the page's arithmetic checks out
        shown = None if part.score is None else round(part.score)
        share = weights.get(name, 0) / total if total else 0
        components[name] = {
            "score": shown,
            "weight": model["weights"].get(name, 0),
            "points": None if shown is None else round(share * shown, 1),
            "facts": part.facts,
        }
    points = [c["points"] for c in components.values() if c["points"] is not None]
    value = round(sum(points)) if total else None
    return Health(value, band_for(value, model), components)


def _pct(value) -> str:
    return f"{value:.0%}"


def _never(value) -> str:
    return "never" if value is None else str(value)


# What each stored fact means on the page: (label, how to show it).
FACTS = {
    "customer_results": [
        ("attainment", "mean KPI attainment", _pct),
        ("on_track", "objectives on track (≥50%)", _pct),
        ("measured", "objectives measured", str),
    ],
    "engagement": [
        ("days", "days since meaningful contact", _never),
        ("cadence", "cadence (days)", str),
        ("meaningful_90", "meaningful contacts in 90 days", str),
        ("engaged", "stakeholders engaged in 90 days", str),
        ("roles", "key roles engaged", lambda r: f"{len(r)} of {len(KEY_ROLES)}"),
    ],
    "plan_vitality": [
        ("days", "days since plan review", _never),
        ("cadence", "review cadence (days)", str),
        ("revisions", "plan revisions in 180 days", str),
    ],
    "execution": [
        ("on_time", "actions done on time", str),
        ("done", "actions done", str),
        ("overdue", "overdue actions", str),
        ("spend", "spend vs planned budget", lambda v: "no budgets" if v is None else _pct(v)),
    ],
    "sentiment": [
        ("nps", "latest NPS", lambda v: "none" if v is None else str(v)),
        ("change", "NPS change", lambda v: f"{v:+d}"),
        ("csat", "latest CSAT", lambda v: "none" if v is None else f"{v}/5"),
    ],
    "commercial": [
        ("growth", "revenue, last 2 quarters vs 2 before", lambda v: f"{v:+.0%}"),
        ("margin_change", "margin change (points)", lambda v: f"{100 * v:+.1f}"),
        ("leakage", "discounts + absorbed costs / revenue", _pct),
    ],
}
NO_DATA_HINTS = {
    "customer_results": "Record KPI measurements for the customer's objectives.",
    "engagement": "Log your meetings and calls with the customer.",
    "execution": "Plan actions towards the customer's objectives.",
    "sentiment": "Ask the customer for NPS or CSAT feedback.",
    "commercial": "Enter four quarters of revenue and cost.",
}


def hints(name: str, f: dict) -> list[str]:
    """What would raise a component, read off its stored facts."""
    if not f:
        return [NO_DATA_HINTS.get(name, "")]
    rules = {
        "customer_results": lambda f: [
            (
                f["attainment"] < 0.8,
                "Move the lagging KPIs: agree actions on the objectives furthest from target.",
            )
        ],
        "engagement": lambda f: [
            (
                f["days"] is None or f["days"] > f["cadence"],
                f"Have a meaningful conversation: cadence is every {f['cadence']} days.",
            ),
            (f["engaged"] < 3, "Engage more stakeholders (breadth)."),
            (
                len(f["roles"]) < len(KEY_ROLES),
                "Engage the "
                + ", ".join(r.replace("_", " ") for r in sorted(KEY_ROLES - set(f["roles"])))
                + ".",
            ),
        ],
        "plan_vitality": lambda f: [
            (
                f["days"] is None or f["days"] > f["cadence"],
                "Review the account plan (it is past its review date).",
            ),
            (f["revisions"] < 2, "Revise the plan as you learn: two revisions per two cycles."),
        ],
        "execution": lambda f: [
            (f["overdue"] > 0, f"Close or re-plan the {f['overdue']} overdue action(s)."),
            (
                f["spend"] is not None and f["spend"] > 1,
                "Bring action spend back within the planned budget.",
            ),
        ],
        "sentiment": lambda f: [
            (
                f["nps"] is not None and f["nps"] <= 6,
                "Follow up on the last feedback with the detractor.",
            )
        ],
        "commercial": lambda f: [
            (f["leakage"] > 0.05, "Cut discounts and absorbed costs: they eat the margin."),
            (f["growth"] < 0, "Revenue is shrinking: find the next renewal or expansion."),
        ],
    }
    out = rules[name](f)
    return [text for applies, text in out if applies]


def explain(components: dict, previous: dict | None = None) -> list[dict]:
    """Rows for "why this score", in the model's order: label, score, weight, points, change,
    inputs, hints."""
    rows = []
    for name in (n for n in COMPONENTS if n in components):
        part = components[name]
        before = (previous or {}).get(name, {}).get("points")
        facts = part["facts"]
        rows.append(
            {
                "name": name,
                "label": COMPONENTS[name],
                "score": part["score"],
                "weight": part["weight"],
                "points": part["points"],
                "change": None
                if part["points"] is None or before is None
                else round(part["points"] - before, 1),
                "inputs": {
                    label: show(facts[key]) for key, label, show in FACTS[name] if key in facts
                },
                "hints": hints(name, facts),
            }
        )
    return rows


def account_health(account: KeyAccount) -> tuple[Inputs, Health]:
    """The same scoring the batch does, for one account (the account page)."""
    inputs = gather(account.tenant, [account.pk])[account.pk]
    return inputs, score(inputs, model_for(account.tenant))


SNAPSHOT_COLUMNS = {
    "account_id": "bigint",
    "score": "integer",
    "band": "text",
    "components": "json",
    "daily_best": "smallint[]",
}


def daily_best(item: Inputs, verdict: Health) -> list[int | None]:
    """The inputs' 30-day bests with this verdict counted in today's."""
    days = item.daily_best or [None]
    today = [s for s in (days[0], verdict.score) if s is not None]
    days = [max(today, default=None), *days[1:]]
    while len(days) > 1 and days[-1] is None:
        days.pop()
    return days


def write_snapshots(
    tenant, inputs: dict[int, Inputs], verdicts: dict[int, Health], at=None
) -> None:
    """One INSERT for all snapshots (see `kamapp.db.insert_json`)."""
    rows = [
        {
            "account_id": pk,
            "score": v.score,
            "band": v.band,
            "components": v.components,
            "daily_best": daily_best(inputs[pk], v),
        }
        for pk, v in verdicts.items()
    ]
    fixed = {
        "tenant_id": tenant.pk,
        "computed_at": at or timezone.now(),
        "model_version": MODEL_VERSION,
    }
    db.insert_json("accounts_healthsnapshot", SNAPSHOT_COLUMNS, rows, fixed)


@contextmanager
def _gc_paused():
    """The run makes a few hundred thousand short-lived, acyclic objects: reference counting
    frees them, and the cycle collector walking them over and over cost ~10% of the run."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@_gc_paused()
def recalculate(tenant, progress=None) -> int:
    """Score every active account of the tenant and write one snapshot each (one bulk insert),
    then evaluate the alert rules. Returns the number of accounts scored."""
    from accounts import alerts

    report = progress or (lambda step, done, total: None)
    db.batch_settings()
    model = model_for(tenant)
    today = timezone.localdate()
    report("gathering", 0, 0)
    inputs = gather(tenant, today=today)
    report("scoring", 0, len(inputs))
    verdicts = {pk: score(item, model, today) for pk, item in inputs.items()}
    write_snapshots(tenant, inputs, verdicts)
    report("alerts", len(inputs), len(inputs))
    alerts.evaluate(tenant, inputs, verdicts, model, today)
    return len(inputs)


PRUNE_SNAPSHOTS = """
    DELETE FROM accounts_healthsnapshot
    WHERE tenant_id = %(tenant)s AND computed_at < %(before)s AND id NOT IN (
        SELECT DISTINCT ON (account_id, (computed_at AT TIME ZONE 'UTC')::date) id
        FROM accounts_healthsnapshot
        WHERE tenant_id = %(tenant)s AND computed_at < %(before)s
        ORDER BY account_id, (computed_at AT TIME ZONE 'UTC')::date, computed_at DESC, id DESC
    )
"""


def prune_snapshots(tenant, keep_all_hours: int = 48) -> int:
    """Keep every snapshot of the last two days and, before that, each account's last
    snapshot of each day: hourly runs would otherwise grow the table ~9,000 rows a year per
    account and slow the history look-ups. Returns the number deleted."""
    before = timezone.now() - datetime.timedelta(hours=keep_all_hours)
    with connection.cursor() as cursor:
        cursor.execute(PRUNE_SNAPSHOTS, {"tenant": tenant.pk, "before": before})
        deleted = cursor.rowcount
    return deleted
