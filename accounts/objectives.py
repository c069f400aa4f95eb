"""Objectives and their KPIs as the pages show them: progress from baseline to target; and
marking an objective achieved."""

import datetime

from django.db.models import Exists, OuterRef, Prefetch

from accounts import metrics
from accounts.models import KPI, GoalResponse, KeyAccount, KPIMeasurement, Objective
from kamapp.audit import record_change, snapshot
from kamapp.charts import Series, line_chart


def kpis():
    """KPIs with their measurements in date order, prefetched."""
    ordered = KPIMeasurement.objects.order_by("date", "id")
    return KPI.objects.prefetch_related(Prefetch("measurements", queryset=ordered))


def with_kpis(account: KeyAccount):
    """The account's objectives with KPIs and measurements prefetched (three queries), and
    whether the customer confirmed each on the shared plan."""
    confirmed = GoalResponse.objects.filter(objective=OuterRef("pk"), confirmed=True)
    return (
        Objective.objects.filter(account=account)
        .select_related("customer_owner")
        .annotate(customer_confirmed=Exists(confirmed))
        .prefetch_related(Prefetch("kpis", queryset=kpis()))
    )


def decorate_kpi(kpi: KPI, chart: bool = True) -> KPI:
    """Latest value, attainment and (unless a page shows none) chart, from the prefetched
    measurements."""
    measurements = list(kpi.measurements.all())
    kpi.latest = measurements[-1] if measurements else None
    kpi.attainment = metrics.attainment(
        kpi.baseline, kpi.target, kpi.latest.value if kpi.latest else None
    )
    kpi.attainment_pct = None if kpi.attainment is None else round(kpi.attainment * 100)
    if not chart:
        return kpi
    kpi.chart = line_chart(
        [m.date.strftime("%b %y") for m in measurements],
        [Series(kpi.name, [float(m.value) for m in measurements])],
        title=f"{kpi.name} over time",
        guides=[("Baseline", float(kpi.baseline)), ("Target", float(kpi.target))],
        height=160,
    )
    return kpi


def decorate(objectives, charts: bool = True) -> list[Objective]:
    """Each objective gets its decorated KPIs and the mean attainment of those with data."""
    out = []
    for objective in objectives:
        objective.kpi_rows = [decorate_kpi(kpi, charts) for kpi in objective.kpis.all()]
        known = [k.attainment for k in objective.kpi_rows if k.attainment is not None]
        objective.attainment_pct = round(100 * sum(known) / len(known)) if known else None
        out.append(objective)
    return out


def mark_achieved(tenant, actor, objective: Objective, day: datetime.date) -> None:
    """The customer reached the goal on `day` (as the KAM says): audited."""
    fields = ["status", "achieved_on"]
    before = snapshot(objective, fields)
    objective.status, objective.achieved_on = Objective.Status.ACHIEVED, day
    objective.save(update_fields=fields)
    record_change(tenant, actor, "objective.achieve", objective, before, fields)
