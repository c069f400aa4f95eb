"""The team dashboard: a row per KAM in the viewer's tree, and a KAM's own page over the last
quarters. Everything reads the rollup, so the query count is fixed."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts import portfolio
from accounts.models import KeyAccount, RiskAlert
from dashboards import access, indicators
from dashboards.indicators import EMPTY, Figures
from kamapp import charts
from kamapp.models import Membership
from reviews.models import PerformanceReview

# sort key -> (label, value of a row); None sorts last
COLUMNS = {
    "name": ("KAM", lambda r: r.kam.user.full_name.lower()),
    "accounts": ("Accounts", lambda r: r.now.accounts),
    "value": ("Contract value", lambda r: r.now.contract_value),
    "health": ("Mean health", lambda r: r.now.health),
    "risk": ("At risk / watch", lambda r: (r.now.at_risk, r.now.watch)),
    "alerts": ("High alerts", lambda r: r.now.high_alerts),
    "contacts": ("Contacts / account / month", lambda r: r.now.contacts),
    "plans": ("Plans on cadence", lambda r: r.now.plans),
    "on_time": ("Actions on time", lambda r: r.now.on_time),
    "attainment": ("KPI attainment", lambda r: r.now.attainment),
    "coverage": ("Key roles", lambda r: r.now.coverage),
    "process": ("Process followed", lambda r: r.now.process),
    "revenue": ("Revenue", lambda r: r.now.revenue_change),
    "margin": ("Margin", lambda r: r.now.margin_change),
    "nps": ("NPS", lambda r: r.now.nps),
    "rpm": ("RPM level 3", lambda r: r.rpm.top_share),
    "review": ("Review", lambda r: r.review.overall if r.review else None),
}
DEFAULT_SORT = "-alerts"


@dataclass
class Row:
    kam: Membership
    now: Figures
    then: Figures  # at the start of the period
    quarter: Figures  # at the start of the quarter
    rpm: indicators.Matrix
    review: object
    spark: str

    @property
    def health_change(self) -> float | None:
        if self.now.health is None or self.then.health is None:
            return None
        return self.now.health - self.then.health

    @property
    def attainment_change(self) -> float | None:
        if self.now.attainment is None or self.quarter.attainment is None:
            return None
        return self.now.attainment - self.quarter.attainment


def _sorted(rows: list[Row], sort: str) -> list[Row]:
    key = sort.removeprefix("-")
    value = COLUMNS.get(key, COLUMNS["alerts"])[1]
    present = [r for r in rows if value(r) is not None]
    missing = [r for r in rows if value(r) is None]
    return sorted(present, key=value, reverse=sort.startswith("-")) + missing


def rows_for(
    viewer: Membership, people: list[Membership], period: str, tier: str, sort: str
) -> list[Row]:
    """A row per member in `people` (query count fixed: rollup days, figures, sparklines,
    RPM, the current cycle and its reviews)."""
    tenant = viewer.tenant
    today = timezone.localdate()
    period_days = int(period if period in indicators.PERIODS else indicators.DEFAULT_PERIOD)
    on = indicators.days(tenant, today, period_days)
    ids = [p.pk for p in people]
    found = indicators.figures(tenant, ids, list(on.values()), tier)
    since = today - datetime.timedelta(days=indicators.SPARK_DAYS)
    series = indicators.health_series(tenant, ids, since, tier)
    matrices = indicators.rpm(tenant, ids, today, tier)
    reviews = indicators.reviews_in(indicators.current_cycle(tenant), ids)
    rows = []
    for person in people:
        points = series.get(person.pk, [])
        spark = charts.sparkline(
            [value for _, value in points],
            title=spark_text(person.user.full_name, points),
        )
        rows.append(
            Row(
                kam=person,
                now=found.get((person.pk, on["now"]), EMPTY),
                then=found.get((person.pk, on["then"]), EMPTY),
                quarter=found.get((person.pk, on["quarter"]), EMPTY),
                rpm=matrices.get(person.pk, indicators.Matrix(by_level={1: 0, 2: 0, 3: 0})),
                review=reviews.get(person.pk),
                spark=spark,
            )
        )
    return _sorted(rows, sort or DEFAULT_SORT)


def spark_text(name: str, points: list[tuple[datetime.date, float]]) -> str:
    """The sparkline's text alternative: where the mean health started and ended."""
    if len(points) < 2:
        return f"{name}: not enough health history yet"
    (first_day, first), (last_day, last) = points[0], points[-1]
    return f"{name}: mean health {first:.0f} on {first_day:%-d %b}, {last:.0f} on {last_day:%-d %b}"


def team_dashboard(viewer: Membership, period: str, tier: str, sort: str) -> dict:
    people = list(access.kams(viewer))
    rows = rows_for(viewer, people, period, tier, sort)
    return {"rows": rows, "totals": indicators.add(row.now.sums for row in rows)}


QUARTERS = 8
ALERTS_SHOWN = 20
# indicator -> (label, value of the quarter's figures, unit)
MULTIPLES = {
    "health": ("Mean health", lambda f: f.health, ""),
    "at_risk": ("Accounts at risk", lambda f: f.at_risk if f.accounts else None, ""),
    "contacts": ("Meaningful contacts / account / month", lambda f: f.contacts, ""),
    "plans": ("Plans reviewed on cadence", lambda f: f.plans, "%"),
    "on_time": ("Actions done on time", lambda f: f.on_time, "%"),
    "attainment": ("Customer KPI attainment", lambda f: f.attainment, "%"),
    "coverage": ("Key-role coverage", lambda f: f.coverage, "%"),
    "process": ("Our KAM Process followed", lambda f: f.process, "%"),
    "revenue": ("Revenue (last quarter)", lambda f: f.revenue if f.accounts else None, ""),
    "margin": ("Margin (last quarter)", lambda f: f.margin if f.accounts else None, ""),
    "nps": ("Customer NPS answer (0–10)", lambda f: f.nps, ""),
}


def quarter_label(day: datetime.date) -> str:
    return f"Q{(day.month - 1) // 3 + 1} {day.year}"


def quarters(person: Membership, today: datetime.date) -> list[tuple[str, Figures]]:
    """The person's figures at the end of each of the last quarters with data (one query):
    the last rollup day of each quarter, summed over tiers."""
    start = indicators.quarter_start(today)
    for _ in range(QUARTERS - 1):
        start = indicators.quarter_start(start - datetime.timedelta(days=1))
    by_day = indicators.figures_since(person, start)
    last: dict[str, Figures] = {}
    for day in sorted(by_day):
        last[quarter_label(day)] = by_day[day]
    return list(last.items())


def small_multiples(history: list[tuple[str, Figures]]) -> list[dict]:
    """One small chart per indicator over the quarters, each with its numbers as text."""
    labels = [label for label, _ in history]
    out = []
    for key, (title, value, unit) in MULTIPLES.items():
        scale = 100 if unit == "%" else 1
        values = [value(figures) for _, figures in history]
        values = [None if v is None else round(scale * float(v), 1) for v in values]
        out.append(
            {
                "key": key,
                "title": title,
                "unit": unit,
                "values": list(zip(labels, values, strict=True)),
                "chart": charts.line_chart(
                    labels,
                    [charts.Series(title, values)],
                    title=f"{title} by quarter: "
                    + ", ".join(
                        f"{lb} {_text(v, unit)}" for lb, v in zip(labels, values, strict=True)
                    ),
                    width=320,
                    height=150,
                ),
            }
        )
    return out


def _text(value: float | None, unit: str) -> str:
    if value is None:
        return "no data"
    return f"{value:,.0f}{unit}" if abs(value) >= 100 else f"{value:.1f}{unit}"


def kam_page(person: Membership, today: datetime.date) -> dict:
    """The KAM page's parts; `accounts` is a queryset for the view to paginate."""
    history = quarters(person, today)
    owned = KeyAccount.objects.for_tenant(person.tenant).filter(owner=person).active()
    alerts = (
        RiskAlert.objects.for_tenant(person.tenant)
        .filter(account__owner=person, status__in=RiskAlert.LIVE)
        .select_related("account")
        .by_severity("-opened_at")
    )
    reviews = (
        PerformanceReview.objects.filter(tenant=person.tenant, kam=person)
        .select_related("cycle", "reviewer__user")
        .order_by("-cycle__period_end", "-pk")
    )
    return {
        "history": history,
        "multiples": small_multiples(history),
        "accounts": portfolio.annotated(owned, today).order_by("name"),
        "alerts": list(alerts[:ALERTS_SHOWN]),
        "alert_count": alerts.count(),
        "reviews": list(reviews),
    }


def decorate(accounts) -> None:
    today = timezone.localdate()
    for account in accounts:
        portfolio.decorate(account, today)
