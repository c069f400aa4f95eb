"""Derived values of an account plan: one definition each, used by pages, jobs and exports."""

import datetime
from decimal import Decimal

DEFAULT_REVIEW_DAYS = 90


def attainment(baseline, target, value) -> float | None:
    """How far `value` has moved from baseline to target, 0.0–1.0 (None without a value).

    The same formula serves both directions: for a lower-is-better KPI target < baseline,
    so a fall in value is progress.
    """
    if value is None or baseline is None or target is None or target == baseline:
        return None
    share = (float(value) - float(baseline)) / (float(target) - float(baseline))
    return min(max(share, 0.0), 1.0)


def is_overdue(due_date, status: str, today: datetime.date) -> bool:
    return due_date is not None and due_date < today and status in {"planned", "in_progress"}


def on_time(due_date, done_date, status: str) -> bool | None:
    """None until the action is done (or when it has no due date)."""
    if status != "done" or due_date is None or done_date is None:
        return None
    return done_date <= due_date


def on_budget(planned_budget, actual_cost) -> bool | None:
    if planned_budget is None or actual_cost is None:
        return None
    return actual_cost <= planned_budget


def margin(revenue, cost, discounts, absorbed_costs) -> Decimal:
    """What is left of revenue after cost, discounts given and costs we absorbed."""
    return revenue - cost - discounts - absorbed_costs


def margin_pct(revenue, cost, discounts, absorbed_costs) -> float | None:
    if not revenue:
        return None
    return float(margin(revenue, cost, discounts, absorbed_costs) / revenue)


def review_days(tenant_settings: dict, tier: str) -> int:
    """The plan review cadence for a tier: tenant settings `plan_review_days` ({tier: days}
    or one number for all tiers), else 90 days."""
    cadence = tenant_settings.get("plan_review_days", DEFAULT_REVIEW_DAYS)
    if isinstance(cadence, dict):
        return int(cadence.get(tier, cadence.get("default", DEFAULT_REVIEW_DAYS)))
    return int(cadence)


def days_until(day: datetime.date | None, today: datetime.date) -> int | None:
    """Days from today to `day`, negative once it is past; None without a date ("renews in")."""
    return (day - today).days if day else None


def is_stale(next_review_due, today: datetime.date) -> bool:
    """A plan never reviewed, or past its review date, is stale."""
    return next_review_due is None or next_review_due < today
