"""Financial periods with derived margin, totals and the trend chart."""

import datetime
from decimal import Decimal

from accounts import metrics
from accounts.models import FinancialPeriod, KeyAccount
from kamapp.audit import record_change, snapshot
from kamapp.charts import Series, line_chart


def label(period: FinancialPeriod) -> str:
    if period.kind == FinancialPeriod.Kind.QUARTER:
        return f"Q{(period.period_start.month - 1) // 3 + 1} {period.period_start.year}"
    return period.period_start.strftime("%b %Y")


def table(account: KeyAccount) -> dict:
    periods = list(FinancialPeriod.objects.filter(account=account).order_by("period_start", "kind"))
    for period in periods:
        period.label = label(period)
        period.margin = metrics.margin(
            period.revenue, period.cost, period.discounts, period.absorbed_costs
        )
        period.margin_pct = metrics.margin_pct(
            period.revenue, period.cost, period.discounts, period.absorbed_costs
        )
    totals = {
        name: sum((getattr(p, name) for p in periods), Decimal(0))
        for name in FinancialPeriod.AMOUNTS
    }
    totals["margin"] = metrics.margin(
        totals["revenue"], totals["cost"], totals["discounts"], totals["absorbed_costs"]
    )
    totals["margin_pct"] = metrics.margin_pct(
        totals["revenue"], totals["cost"], totals["discounts"], totals["absorbed_costs"]
    )
    chart = line_chart(
        [p.label for p in periods],
        [
            Series("Revenue", [float(p.revenue) for p in periods]),
            Series("Margin", [float(p.margin) for p in periods], color="#0d9488"),
        ],
        title="Revenue and margin per period",
        kind="bar",
        width=1000,
        height=260,
    )
    return {"periods": periods, "totals": totals, "chart": chart}


def move_renewal_date(tenant, actor, account: KeyAccount, day: datetime.date) -> None:
    """A renewal recorded as renewed: the account's next renewal is `day` (audited)."""
    before = snapshot(account, ["renewal_date"])
    account.renewal_date = day
    account.save(update_fields=["renewal_date", "updated_at"])
    record_change(tenant, actor, "account.update", account, before, ["renewal_date"])
