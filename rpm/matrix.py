"""The matrix itself: its axes, performance levels, evidence statements, the data-suggested
process maturity, and where accounts stand (set-based: a fixed number of queries)."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, F, IntegerField, Max, Min, OuterRef, Q, Subquery, Value

from accounts.models import (
    RPM_DIAGNOSES,
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


@dataclass
class Diagnostic:
    """The first accounts (by name) a diagnostic finds, and how many it finds in all."""

    rows: list[dict] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def diagnoses(tenant, today: datetime.date) -> dict[str, Q]:
    """What each diagnostic finds among the accounts' stored cells: moved down at the last
    assessment, still over two cycles, assessed against the maturity the data suggested then,
    or due a reassessment (never placed, or not within the tenant's cadence)."""
    due_before = today - datetime.timedelta(days=cadence_days(tenant))
    return RPM_DIAGNOSES | {"due": Q(rpm_assessed_on=None) | Q(rpm_assessed_on__lt=due_before)}


def diagnostics(
    accounts, found: dict[str, Q], totals: Counter, listed: int = 10
) -> dict[str, Diagnostic]:
    """The first `listed` accounts by name of each diagnostic (`diagnoses`) that the census
    counted any for, with the cell before their latest: one query, reading the accounts
    moved down, still or disagreeing through a partial index each (`RPM_DIAGNOSES`)."""
    out = {kind: Diagnostic(total=totals[kind]) for kind in found}
    previous = Assessment.objects.filter(tenant=OuterRef("tenant"), account=OuterRef("pk"))
    previous = previous.order_by("-assessed_on", "-id")[1:2]
    parts = [
        accounts.filter(condition)
        .order_by("name", "pk")
        .annotate(
            kind=Value(kind),
            stage_before=Subquery(previous.values("stage")),
            maturity_before=Subquery(previous.values("maturity")),
        )
        .values_list(
            "kind",
            "pk",
            "name",
            "rpm_assessed_on",
            "rpm_stage",
            "rpm_maturity",
            "rpm_suggested",
            "stage_before",
            "maturity_before",
        )[:listed]
        for kind, condition in found.items()
        if totals[kind]
    ]
    if not parts:
        return out
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    for kind, pk, name, on, stage, maturity, suggested, stage1, maturity1 in rows:
        out[kind].rows.append(
            {
                "pk": pk,
                "name": name,
                "now": {"stage": stage, "maturity": maturity, "assessed_on": on},
                "before": {"stage": stage1, "maturity": maturity1},
                "suggested": suggested,
                "last": on,
            }
        )
    for diagnostic in out.values():
        diagnostic.rows.sort(key=lambda row: (row["name"], row["pk"]))
    return out


def _cell_on(day: datetime.date) -> Subquery:
    """The account's cell (stage * 10 + maturity) at its latest assessment up to a day:
    one probe of the (tenant, account, -assessed_on) index per account."""
    found = Assessment.objects.filter(
        tenant=OuterRef("tenant"), account=OuterRef("pk"), assessed_on__lte=day
    )
    cell = found.order_by("-assessed_on", "-id").values(cell=F("stage") * 10 + F("maturity"))
    return Subquery(cell[:1], output_field=IntegerField())


def placed(accounts, since: datetime.date | None = None):
    """The accounts with their cell now (`cell`, stored beside the account), at `since`
    (`before`) and their health band (`band`), as annotations."""
    return accounts.annotate(
        cell=F("rpm_stage") * 10 + F("rpm_maturity"),
        before=_cell_on(since) if since else Value(None, output_field=IntegerField()),
        band=F("health_band"),
    )


def split(cell: int | None) -> tuple[int, int] | None:
    """(stage, maturity) of a `cell` annotation."""
    return divmod(cell, 10) if cell else None


@dataclass
class Census:
    """The matrix counted, not listed: accounts per cell and health band, how many moved
    from which cell to which since the date asked, and how many each diagnostic finds."""

    cells: dict[tuple[int, int], Counter] = field(default_factory=dict)  # cell -> band -> n
    flows: dict[tuple[tuple[int, int], tuple[int, int]], int] = field(default_factory=dict)
    unplaced: int = 0
    found: Counter = field(default_factory=Counter)  # diagnostic -> accounts it finds

    @property
    def placed(self) -> int:
        return sum(sum(bands.values()) for bands in self.cells.values())

    @property
    def moved(self) -> int:
        return sum(self.flows.values())


def census(accounts, found: dict[str, Q], since: datetime.date | None = None) -> Census:
    """One aggregate query, whatever the number of accounts; without `since` it reads only
    the columns of the `keyaccount_rpm_cells` index (an index-only scan)."""
    out = Census()
    # count(tenant_id), a column of the index: a filtered count cannot count rows (`*`)
    counts = {
        f"found_{kind}": Count("tenant", filter=condition) for kind, condition in found.items()
    }
    rows = (
        placed(accounts, since)
        .order_by()
        .values("cell", "before", "band")
        .annotate(n=Count("*"), **counts)
    )
    for row in rows:
        out.found.update({kind: row[f"found_{kind}"] for kind in found})
        cell, before, n = row["cell"], row["before"], row["n"]
        now = split(cell)
        if now is None:
            out.unplaced += n
            continue
        out.cells.setdefault(now, Counter())[row["band"] or ""] += n
        if before and before != cell:
            key = (split(before), now)
            out.flows[key] = out.flows.get(key, 0) + n
    return out
