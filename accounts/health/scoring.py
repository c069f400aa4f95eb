"""Scoring: each component 0–100 from one account's inputs, and the weighted verdict. `score`
is the same function for the hourly batch and for the account page; a component without data
is "no data": it is left out and the other weights re-normalised."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from accounts import metrics
from accounts.health.inputs import MISSING, Inputs, gather
from accounts.health.model import COMPONENTS, KEY_ROLES, MIN_COMPONENTS, model_for
from accounts.models import KeyAccount, Origin


@dataclass
class Component:
    score: float | None
    facts: dict  # plain numbers (None: unknown); labels and hints come from `explain`
    missing: str = ""  # without a score: what it waits for; with one: why to trust it less


def _young(i: Inputs, days: int) -> bool:
    """The account has less history than `days`: rules and scores that need it wait."""
    return i.age_days is not None and i.age_days < days


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
        if i.baseline_only:
            return Component(
                None, {}, f"{i.baseline_only} KPI(s) have a baseline, not measured yet"
            )
        return Component(None, {})
    mean = sum(per_objective) / len(per_objective)
    on_track = sum(1 for a in per_objective if a >= 0.5) / len(per_objective)
    facts = {
        "attainment": round(mean, 3),
        "on_track": round(on_track, 3),
        "measured": len(per_objective),
        "not_measured": i.baseline_only,
    }
    return Component(100 * (0.7 * mean + 0.3 * on_track), facts)


def engagement(i: Inputs, model: dict, today) -> Component:
    cadence = int(model["cadence_days"].get(i.tier, 30))
    if not i.interactions or (i.last_meaningful is None and _young(i, cadence)):
        return Component(None, {}, "a first meaningful conversation")
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
    if days is None and _young(i, i.review_days):
        return Component(None, {}, "the plan's first review")
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
        "voice": i.voice,
    }
    value = _clamp(sum(scores) / len(scores) + max(-20, min(10, 5 * change)))
    if i.voice and i.voice != Origin.CUSTOMER:
        return Component(value, facts, f"no customer answers: {Origin(i.voice).label} only")
    return Component(value, facts)


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
    score: int | None  # None: not enough data yet (see `missing`)
    band: str
    components: dict  # name -> {"score", "weight", "points", "facts", "missing"}: stored per run
    missing: list[str] = field(default_factory=list)  # why there is no score yet

    @property
    def enough_data(self) -> bool:
        return self.score is not None


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
            "missing": part.missing,
        }
    missing = _missing(i, model, parts)
    if missing:
        return Health(None, "", components, missing)
    points = [c["points"] for c in components.values() if c["points"] is not None]
    value = round(sum(points))
    return Health(value, band_for(value, model), components)


def _missing(i: Inputs, model: dict, parts: dict[str, Component]) -> list[str]:
    """Why the account cannot be scored yet: too young, or too few components with data.
    Absence is never scored as 0 or "at risk"."""
    scored = [name for name, part in parts.items() if part.score is not None]
    scored = [name for name in scored if model["weights"].get(name, 0)]
    out = []
    days = model["thresholds"]["min_history_days"]
    if _young(i, days):
        out.append(f"{days} days of history (the account has {i.age_days})")
    if len(scored) < MIN_COMPONENTS:
        waiting = [
            part.missing or COMPONENTS[name].lower()
            for name, part in parts.items()
            if part.score is None
        ]
        out.append(
            f"evidence on at least {MIN_COMPONENTS} components ({len(scored)} so far): "
            + "; ".join(waiting)
        )
    return out


def account_health(account: KeyAccount) -> tuple[Inputs, Health]:
    """The same scoring the batch does, for one account (the account page)."""
    inputs = gather(account.tenant, [account.pk])[account.pk]
    return inputs, score(inputs, model_for(account.tenant))


def daily_best(item: Inputs, verdict: Health) -> list[int | None]:
    """The inputs' 30-day bests with this verdict counted in today's."""
    days = item.daily_best or [None]
    today = [s for s in (days[0], verdict.score) if s is not None]
    days = [max(today, default=None), *days[1:]]
    while len(days) > 1 and days[-1] is None:
        days.pop()
    return days
