"""The leadership dashboard: health bands over 26 weeks, revenue at risk, the RPM, the most
serious open risks, a row per supervisor's team and the review cycle, with a few sentences
written from the data. Fixed query count: it reads the rollup, not the accounts."""

import datetime
from collections import Counter, defaultdict

from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from accounts.models import KamDay, RiskAlert
from dashboards import indicators
from dashboards.indicators import EMPTY, Figures
from kamapp import charts
from kamapp.models import Membership, Role
from reviews.models import PerformanceReview
from rpm.matrix import LEVELS

Status = PerformanceReview.Status

WEEKS = 26
BANDS = [
    ("healthy", "Healthy", "#059669"),
    ("watch", "Watch", "#d97706"),
    ("at_risk", "At risk", "#dc2626"),
]
SCORE_BUCKETS = [
    (0, 39, "Below 40"),
    (40, 59, "40–59"),
    (60, 79, "60–79"),
    (80, 100, "80 and above"),
]


def band_weeks(tenant, today: datetime.date) -> tuple[list[str], dict[str, list[int]]]:
    """Accounts per health band at the end of each of the last 26 weeks (one query)."""
    since = today - datetime.timedelta(weeks=WEEKS)
    rows = (
        KamDay.objects.for_tenant(tenant)
        .filter(day__gt=since)
        .values("day")
        .annotate(healthy=Sum("healthy"), watch=Sum("watch"), at_risk=Sum("at_risk"))
        .order_by("day")
    )
    weekly: dict[datetime.date, dict] = {}
    for row in rows:
        weekly[row["day"] - datetime.timedelta(days=row["day"].weekday())] = row
    labels = [f"{week:%-d %b}" for week in weekly]
    counts = {key: [row[key] for row in weekly.values()] for key, _, _ in BANDS}
    return labels, counts


# Per severity, the accounts walked from the most money at stake down (the index
# `keyaccount_value`) until `limit` live alerts are found, instead of sorting every alert.
TOP_RISKS = """
SELECT found.id
FROM (VALUES (0, 'high'), (1, 'medium'), (2, NULL)) AS s (rank, severity)
CROSS JOIN LATERAL (
    SELECT r.id, a.contract_value, r.opened_at
    FROM accounts_keyaccount a
    JOIN accounts_riskalert r ON r.tenant_id = a.tenant_id AND r.account_id = a.id
    WHERE a.tenant_id = %(tenant)s AND r.status = ANY(%(live)s)
        AND coalesce(r.severity = s.severity, r.severity NOT IN ('high', 'medium'))
    ORDER BY a.contract_value DESC, r.opened_at DESC
    LIMIT %(limit)s
) found
ORDER BY s.rank, found.contract_value DESC, found.opened_at DESC
LIMIT %(limit)s
"""


def top_risks(tenant, limit: int = 10) -> list[RiskAlert]:
    """The most serious live alerts: high first, then the most money at stake (two queries)."""
    with connection.cursor() as cursor:
        cursor.execute(
            TOP_RISKS, {"tenant": tenant.pk, "live": list(map(str, RiskAlert.LIVE)), "limit": limit}
        )
        order = [pk for (pk,) in cursor.fetchall()]
    found = RiskAlert.objects.for_tenant(tenant).filter(pk__in=order)
    found = found.select_related("account__owner__user").in_bulk()
    return [found[pk] for pk in order]


def teams(members: list[Membership]) -> dict[Membership, list[int]]:
    """Each supervisor and the KAMs below them, from one list of members (no query per level)."""
    children = defaultdict(list)
    for member in members:
        if member.manager_id:
            children[member.manager_id].append(member)
    out = {}
    for supervisor in (m for m in members if m.role == Role.SUPERVISOR and m.is_active):
        below, frontier, seen = [], [supervisor], {supervisor.pk}
        while frontier:
            frontier = [c for m in frontier for c in children[m.pk] if c.pk not in seen]
            seen |= {c.pk for c in frontier}
            below += [c.pk for c in frontier if c.role == Role.KAM]
        out[supervisor] = below
    return out


def cycle_progress(cycle, reviews: list) -> dict | None:
    if cycle is None:
        return None
    statuses = Counter(r.status for r in reviews)
    scores = [r.overall for r in reviews if r.overall is not None]
    return {
        "cycle": cycle,
        "total": len(reviews),
        "statuses": [(label, statuses.get(value, 0)) for value, label in Status.choices],
        "finalised": statuses.get(Status.FINALISED, 0),
        "buckets": [(label, sum(lo <= s <= hi for s in scores)) for lo, hi, label in SCORE_BUCKETS],
        "mean": sum(scores) / len(scores) if scores else None,
    }


def summary(now: Figures, then: Figures, risks: list[RiskAlert], period_label: str) -> list[str]:
    """A few sentences from the data: what improved, what worsened, the top risks in money."""
    out = []
    if now.health is not None and then.health is not None:
        delta = now.health - then.health
        word = "improved" if delta > 0.5 else "worsened" if delta < -0.5 else "held steady"
        out.append(
            f"Mean account health {word} from {then.health:.0f} to {now.health:.0f} "
            f"(compared with {period_label})."
        )
    elif now.health is not None:
        out.append(f"Mean account health is {now.health:.0f}.")
    if now.accounts:
        moved = now.at_risk - then.at_risk
        trend = f", {moved:+d} since then".replace("-", "−") if then.accounts and moved else ""
        out.append(
            f"{now.at_risk} of {now.accounts} accounts are at risk and {now.watch} on watch{trend}."
        )
    if now.renewing:
        out.append(
            f"{_money(now.renewing_at_risk + now.renewing_watch)} of the "
            f"{_money(now.renewing)} renewing in the next 180 days sits with accounts at risk "
            "or on watch."
        )
    if now.revenue_change is not None:
        word = "up" if now.revenue_change >= 0 else "down"
        out.append(
            f"Revenue last quarter was {_money(now.revenue)}, {word} "
            f"{abs(100 * now.revenue_change):.0f}% on the quarter before."
        )
    if risks:
        named = "; ".join(
            f"{r.account.name} ({r.message.rstrip('.')}, {_money(r.account.contract_value)})"
            for r in risks[:3]
        )
        out.append(f"Top risks: {named}.")
    return out


def _money(amount) -> str:
    amount = float(amount)
    if abs(amount) >= 1_000_000:
        return f"{amount / 1_000_000:.1f}M"
    if abs(amount) >= 1_000:
        return f"{amount / 1_000:.0f}k"
    return f"{amount:.0f}"


def dashboard(viewer: Membership, period: str) -> dict:
    tenant = viewer.tenant
    today = timezone.localdate()
    period = period if period in indicators.PERIODS else indicators.DEFAULT_PERIOD
    on = indicators.days(tenant, today, int(period))
    members = list(Membership.objects.for_tenant(tenant).select_related("user"))
    ids = [m.pk for m in members]
    found = indicators.figures(tenant, ids, list(on.values()))
    now = indicators.add(f.sums for (_, day), f in found.items() if day == on["now"])
    then = indicators.add(f.sums for (_, day), f in found.items() if day == on["then"])
    labels, bands = band_weeks(tenant, today)
    matrices = indicators.rpm(tenant, ids, today)
    levels = Counter()
    for m in matrices.values():
        levels.update(m.by_level)
    cycle = indicators.current_cycle(tenant)
    reviews = list(indicators.reviews_in(cycle, ids).values())
    risks = top_risks(tenant)
    team_rows = [
        {
            "supervisor": supervisor,
            "kams": len(kams),
            "figures": indicators.add(found.get((pk, on["now"]), EMPTY).sums for pk in kams),
        }
        for supervisor, kams in teams(members).items()
    ]
    renewing = [(label, now.sums[f"renewing_{key}"], color) for key, label, color in BANDS]
    renewing.append(("Not scored yet", now.renewing_unscored, "#94a3b8"))
    return {
        "now": now,
        "then": then,
        "period": period,
        "period_label": indicators.PERIODS[period],
        "summary": summary(now, then, risks, indicators.PERIODS[period]),
        "bands_chart": charts.stacked_bars(
            labels,
            [charts.Series(label, bands[key], color) for key, label, color in BANDS],
            title="Accounts by health band, week by week over the last 26 weeks",
        ),
        "band_table": list(zip(labels, *(bands[key] for key, _, _ in BANDS), strict=True)),
        "renewing": renewing,
        "renewing_chart": charts.line_chart(
            [label for label, _, _ in renewing],
            [charts.Series("Renewing in 180 days", [float(v) for _, v, _ in renewing])],
            title="Contract value renewing in the next 180 days, by health band: "
            + ", ".join(f"{label} {_money(v)}" for label, v, _ in renewing),
            kind="bar",
            height=180,
        ),
        "rpm": {
            "levels": [(LEVELS[level], levels[level]) for level in sorted(LEVELS)],
            "up": sum(m.up for m in matrices.values()),
            "down": sum(m.down for m in matrices.values()),
            "assessed": sum(m.assessed for m in matrices.values()),
        },
        "risks": risks,
        "teams": sorted(team_rows, key=lambda row: row["supervisor"].user.full_name),
        "cycle": cycle_progress(cycle, reviews),
    }
