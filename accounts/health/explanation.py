"""Why a score is what it is: each component's facts in words, what would raise it, and the
Health tab's picture of an account (the latest snapshot, the change since the one before, the
trend)."""

import datetime

from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.health.model import COMPONENTS, KEY_ROLES
from accounts.health.scoring import account_health
from accounts.models import HealthSnapshot, KeyAccount, Origin, RiskAlert
from kamapp.charts import sparkline


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
        ("not_measured", "KPIs with only a baseline (not measured yet)", str),
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
        ("voice", "answers read", lambda v: Origin(v).label if v else "—"),
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
                "missing": part.get("missing", ""),
            }
        )
    return rows


def waiting_for(components: list[dict]) -> list[str]:
    """What an account without a score yet waits for, read off its components."""
    return [
        f"{c['label']}: {c['missing'] or 'no data'}"
        for c in components
        if c["score"] is None or c["missing"]
    ]


TREND_DAYS = 90


def report(account: KeyAccount) -> dict:
    """The Health tab: the latest snapshot (or a live preview when there is none yet), what
    changed since the one before and why, the trend, and the live alerts."""
    latest, previous = [*HealthSnapshot.objects.filter(account=account)[:2], None, None][:2]
    live = latest is None
    if live:
        _, verdict = account_health(account)
        latest = HealthSnapshot(
            score=verdict.score, band=verdict.band, components=verdict.components
        )
    direction = _direction(latest, previous)
    components = explain(latest.components, previous.components if previous else None)
    return {
        "snapshot": latest,
        "previous": previous,
        "live": live,
        "components": components,
        "waiting_for": waiting_for(components) if latest.score is None else [],
        "direction": direction,
        "delta": latest.score - previous.score if direction else None,
        "trend": sparkline(
            [score for _, score in daily_scores(account, TREND_DAYS)],
            title=f"Health over the last {TREND_DAYS} days, a point a day",
            width=220,
            height=40,
        ),
        "trend_days": TREND_DAYS,
        "alerts": RiskAlert.objects.filter(account=account, status__in=RiskAlert.LIVE),
    }


def daily_scores(account: KeyAccount, days: int) -> list[tuple]:
    """Each day's last score over the last `days` days, oldest first: hourly runs would
    otherwise fill a sparkline with one day."""
    since = timezone.now() - datetime.timedelta(days=days)
    return list(
        HealthSnapshot.objects.filter(account=account, computed_at__gte=since)
        .annotate(day=TruncDate("computed_at"))
        .order_by("day", "-computed_at", "-id")
        .distinct("day")
        .values_list("day", "score")
    )


def _direction(latest: HealthSnapshot, previous: HealthSnapshot | None) -> str:
    if previous is None or latest.score is None or previous.score is None:
        return ""
    return (
        "up"
        if latest.score > previous.score
        else "down"
        if latest.score < previous.score
        else "same"
    )
