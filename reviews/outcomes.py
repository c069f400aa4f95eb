"""What the KAM recorded as done over a period: the customer's objectives achieved and the
renewals renewed or lost. Each account counts over its own window — the period, or from the
handover for an account the KAM took over during it — and the same is read for the period
before, so a review shows the change. Two queries for any number of KAMs and accounts.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q

from accounts import alerts
from accounts.models import Objective, Renewal

Window = tuple[datetime.date, datetime.date]
Status = Objective.Status
Outcome = Renewal.Outcome


def objectives_tally() -> dict:
    return {"due": 0, "achieved": 0, "dropped": 0}


def renewals_tally() -> dict:
    return {"due": 0, "renewed": 0, "lost": 0, "pending": 0, "lost_value": defaultdict(Decimal)}


def _inside(day: datetime.date | None, window: Window) -> bool:
    return day is not None and window[0] <= day <= window[1]


def count_objective(tally: dict, window: Window, target, status: str, achieved_on) -> None:
    """An objective is looked at in a window when it was due in it or achieved in it (early);
    one due in it but achieved before it was counted in its own window already. A dropped
    objective is noted, not held against the share."""
    achieved = status == Status.ACHIEVED and _inside(achieved_on, window)
    if not achieved and not _inside(target, window):
        return
    if not achieved and achieved_on is not None and achieved_on < window[0]:
        return
    if status == Status.DROPPED:
        tally["dropped"] += 1
        return
    tally["due"] += 1
    tally["achieved"] += achieved


def count_renewal(tally: dict, outcome: str, value: Decimal, currency: str) -> None:
    tally["due"] += 1
    tally[outcome] += 1
    if outcome == Outcome.LOST:
        tally["lost_value"][currency] += value


def lost_flag(due_on: datetime.date, value: Decimal, currency: str) -> dict:
    return {
        "rule": "renewal_lost",
        "severity": alerts.HIGH,
        "message": f"The renewal due {due_on:%-d %b %Y} was lost ({value:,.0f} {currency}).",
    }


def gather(tenant, held: dict, windows: dict[int, Window], earlier: dict[int, Window], out):
    """Fill each KAM's facts in `out` (by membership id): `objectives` and `renewals` tallies
    for `windows` (account id → its window in the period), the same under `earlier` for the
    period before, and a red flag per renewal lost in the period. `held`: account id →
    (owner, name)."""
    spans = [*windows.values(), *earlier.values()]
    if not spans:
        return
    low, high = min(a for a, _ in spans), max(b for _, b in spans)
    goals = Objective.objects.filter(tenant=tenant, account_id__in=list(windows)).filter(
        Q(target_date__range=(low, high)) | Q(achieved_on__range=(low, high))
    )
    for account, target, status, achieved_on in goals.values_list(
        "account_id", "target_date", "status", "achieved_on"
    ):
        facts = out[held[account][0]]
        count_objective(facts["objectives"], windows[account], target, status, achieved_on)
        if account in earlier:
            tally = facts["earlier"]["objectives"]
            count_objective(tally, earlier[account], target, status, achieved_on)
    renewals = Renewal.objects.filter(
        tenant=tenant, account_id__in=list(windows), due_on__range=(low, high)
    ).values_list("account_id", "due_on", "outcome", "value", "account__currency")
    for account, due_on, outcome, value, currency in renewals:
        owner, name = held[account]
        facts = out[owner]
        if _inside(due_on, windows[account]):
            count_renewal(facts["renewals"], outcome, value, currency)
            if outcome == Outcome.LOST:
                facts["flags"].append({"account": name, **lost_flag(due_on, value, currency)})
        if account in earlier and _inside(due_on, earlier[account]):
            count_renewal(facts["earlier"]["renewals"], outcome, value, currency)
