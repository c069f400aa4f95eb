"""The matrix itself: its axes, performance levels, evidence statements, the data-suggested
process maturity, and where accounts stand (set-based: a fixed number of queries)."""

import datetime

from django.db.models import Count, Max, Min

from accounts.models import (
    CustomerFeedback,
    KPIMeasurement,
    PlanRevision,
    RiskAlert,
)
from accounts.process import conformance
from rpm.models import Assessment

STAGES = {
    1: "Approved Vendor",
    2: "Preferred Supplier",
    3: "Solutions Consultant",
    4: "Strategic Contributor",
    5: "Trusted Partner",
}
MATURITIES = {1: "Random", 2: "Informal", 3: "Formal", 4: "Dynamic"}
LEVELS = {1: "Sleepless nights", 2: "Challenging months", 3: "Successful years"}
NO_FLY = {(5, 1), (1, 4)}  # Trusted Partner × Random, Approved Vendor × Dynamic
DEFAULT_CADENCE_DAYS = 90

# Observable evidence for each relationship stage, from the stage definitions.
STATEMENTS = {
    "s1_authorised": (1, "We are one of several authorised suppliers."),
    "s1_price": (1, "They mostly buy from us on price and availability."),
    "s2_reliable": (2, "They see us as proven and reliable."),
    "s2_business": (2, "We understand something of their business."),
    "s2_contacts": (2, "We have several contacts there, beyond purchasing."),
    "s3_knowledge": (3, "They value our knowledge, not only our products."),
    "s3_success": (3, "We help them succeed on problems beyond our own offer."),
    "s4_internal": (4, "They ask for our input in their internal discussions."),
    "s4_expertise": (4, "Their leadership recognises our expertise."),
    "s5_inner": (5, "We know their inner workings, plans and politics."),
    "s5_mutual": (5, "We work together on goals that benefit both of us."),
}


def default_level(stage: int, maturity: int) -> int:
    """An approximation of the CSO Insights grid (published only as a figure)."""
    total = stage + maturity
    return 1 if total <= 4 else 3 if total >= 7 else 2


def levels(tenant) -> dict[tuple[int, int], int]:
    saved = tenant.settings.get("rpm_levels", {})
    return {
        (r, p): int(saved.get(f"{r},{p}", default_level(r, p))) for r in STAGES for p in MATURITIES
    }


def cadence_days(tenant) -> int:
    return int(tenant.settings.get("rpm_cadence_days", DEFAULT_CADENCE_DAYS))


def suggest_stage(evidence: list[str]) -> int | None:
    """The highest stage at least half of whose statements are ticked."""
    best = None
    for stage in STAGES:
        keys = [k for k, (s, _) in STATEMENTS.items() if s == stage]
        if keys and 2 * sum(k in evidence for k in keys) >= len(keys):
            best = stage
    return best


def suggested_maturity(accounts, tenant, today: datetime.date) -> dict[int, int]:
    """Process maturity read off each account's conformance to the tenant's KAM process
    (`accounts.process`) and its plan history, in a fixed number of queries for any number of
    accounts: none of the process done → Random; some of it → Informal; the process followed
    → Formal; followed, and the plan revised (two or more revisions within the last cadence)
    after new KPI measurements, feedback or alerts → Dynamic."""
    cadence = cadence_days(tenant)
    since = today - datetime.timedelta(days=cadence)
    followed = conformance.for_accounts(tenant, accounts, today)
    revised = {  # account -> (revisions in the cadence, the latest one)
        pk: (n, last)
        for pk, n, last in PlanRevision.objects.filter(
            plan__account__in=accounts, created_at__date__gte=since
        )
        .values("plan__account_id")
        .annotate(n=Count("id"), last=Max("created_at"))
        .values_list("plan__account_id", "n", "last")
    }
    signals: dict[int, datetime.date] = {}
    for model, date_field, account_field in [
        (KPIMeasurement, "date", "kpi__objective__account_id"),
        (CustomerFeedback, "date", "account_id"),
        (RiskAlert, "opened_at__date", "account_id"),
    ]:
        first = model.objects.filter(
            **{f"{account_field}__in": accounts.values("pk"), f"{date_field}__gte": since}
        )
        for pk, when in (
            first.values(account_field)
            .annotate(first=Min(date_field))
            .values_list(account_field, "first")
        ):
            signals[pk] = min(signals.get(pk, when), when)
    out = {}
    for pk, found in followed.items():
        if not found.percent:
            out[pk] = 1
        elif not found.followed:
            out[pk] = 2
        elif (
            pk in signals and revised.get(pk, (0,))[0] >= 2 and revised[pk][1].date() >= signals[pk]
        ):
            out[pk] = 4
        else:
            out[pk] = 3
    return out


def latest(accounts, on_or_before: datetime.date | None = None) -> dict[int, Assessment]:
    """Each account's latest assessment (up to a date): one query."""
    found = Assessment.objects.filter(account__in=accounts)
    if on_or_before is not None:
        found = found.filter(assessed_on__lte=on_or_before)
    found = found.order_by("account_id", "-assessed_on", "-id").distinct("account_id")
    return {a.account_id: a for a in found}


def diagnostics(accounts, tenant, today: datetime.date) -> dict:
    """Accounts that moved down, stood still over two cycles, disagree with the data, or are
    due a reassessment."""
    cadence = cadence_days(tenant)
    history: dict[int, list[Assessment]] = {}
    for a in Assessment.objects.filter(account__in=accounts).order_by(
        "account_id", "-assessed_on", "-id"
    ):
        history.setdefault(a.account_id, []).append(a)
    suggested = suggested_maturity(accounts, tenant, today)
    names = dict(accounts.values_list("pk", "name"))
    out = {"down": [], "still": [], "disagree": [], "due": []}
    for pk, name in names.items():
        past = history.get(pk, [])
        if not past:
            out["due"].append({"pk": pk, "name": name, "last": None})
            continue
        now = past[0]
        if len(past) > 1 and (now.stage < past[1].stage or now.maturity < past[1].maturity):
            out["down"].append({"pk": pk, "name": name, "now": now, "before": past[1]})
        if len(past) > 2 and {(a.stage, a.maturity) for a in past[:3]} == {
            (now.stage, now.maturity)
        }:
            out["still"].append({"pk": pk, "name": name, "now": now})
        if suggested.get(pk) is not None and suggested[pk] != now.maturity:
            out["disagree"].append({"pk": pk, "name": name, "now": now, "suggested": suggested[pk]})
        if (today - now.assessed_on).days > cadence:
            out["due"].append({"pk": pk, "name": name, "last": now.assessed_on})
    return out
