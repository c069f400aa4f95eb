"""The indicators of a KAM (or a team) read from the per-KAM daily rollup (`KamDay`), the RPM
assessments and the current review cycle, each in a fixed number of queries whatever the
number of accounts and KAMs."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Max, Q, Sum

from accounts.models import KamDay
from accounts.rollups import COUNTS
from reviews.models import PerformanceReview, ReviewCycle
from rpm.matrix import levels

PERIODS = {"30": "30 days ago", "90": "90 days ago", "180": "180 days ago", "365": "a year ago"}
DEFAULT_PERIOD = "90"
SPARK_DAYS = 90


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _ratio(part, whole) -> float | None:
    return float(part) / float(whole) if whole else None


def _change(now, before) -> float | None:
    return float(now) / float(before) - 1 if before else None


@dataclass
class Figures:
    """One KAM's (or team's) summed rollup on one day, and what it means."""

    sums: dict

    def __getattr__(self, name):
        try:
            return self.__dict__["sums"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def health(self) -> float | None:
        return _ratio(self.health_sum, self.scored)

    @property
    def contacts(self) -> float | None:
        """Meaningful contacts per account per month (over the last 90 days)."""
        return _ratio(self.meaningful_90, 3 * self.accounts) if self.accounts else None

    @property
    def plans(self) -> float | None:
        return _ratio(self.plans_on_cadence, self.accounts)

    @property
    def on_time(self) -> float | None:
        return _ratio(self.actions_on_time, self.actions_done)

    @property
    def attainment(self) -> float | None:
        return _ratio(self.kpi_attainment, self.kpi_accounts)

    @property
    def coverage(self) -> float | None:
        return _ratio(self.key_roles, 3 * self.accounts) if self.accounts else None

    @property
    def process(self) -> float | None:
        """Mean share of Our KAM Process followed, over the accounts it applies to."""
        return _ratio(self.process_sum, 100 * self.process_count)

    @property
    def nps(self) -> float | None:
        return _ratio(self.nps_sum, self.nps_count)

    @property
    def revenue_change(self) -> float | None:
        return _change(self.revenue, self.revenue_before)

    @property
    def margin_change(self) -> float | None:
        return _change(self.margin, self.margin_before)

    @property
    def renewing(self):
        return (
            self.renewing_healthy
            + self.renewing_watch
            + self.renewing_at_risk
            + self.renewing_unscored
        )


EMPTY = Figures(dict.fromkeys(COUNTS, 0))


def add(rows) -> Figures:
    """The figures of several rollup rows (dicts of `COUNTS`) together."""
    total = dict.fromkeys(COUNTS, 0)
    for row in rows:
        for name in COUNTS:
            total[name] += row[name]
    return Figures(total)


def days(tenant, today: datetime.date, period_days: int) -> dict[str, datetime.date | None]:
    """The rollup days to read: the latest, the latest at the start of the period and of the
    quarter (one query)."""
    return KamDay.objects.for_tenant(tenant).aggregate(
        now=Max("day", filter=Q(day__lte=today)),
        then=Max("day", filter=Q(day__lte=today - datetime.timedelta(days=period_days))),
        quarter=Max("day", filter=Q(day__lt=quarter_start(today))),
    )


def figures(tenant, people: list[int], on: list[datetime.date], tier: str = "") -> dict:
    """{(membership id, day): Figures} for those days, summed over tiers (one query)."""
    rows = KamDay.objects.for_tenant(tenant).filter(
        membership_id__in=people, day__in=[d for d in on if d]
    )
    if tier:
        rows = rows.filter(tier=tier)
    grouped = defaultdict(list)
    for row in rows.values("membership_id", "day").annotate(**{c: Sum(c) for c in COUNTS}):
        grouped[row["membership_id"], row["day"]].append(row)
    return {key: add(found) for key, found in grouped.items()}


def figures_since(person, since: datetime.date) -> dict[datetime.date, Figures]:
    """One member's figures per rollup day since `since`, summed over tiers (one query)."""
    rows = KamDay.objects.for_tenant(person.tenant).filter(membership=person, day__gte=since)
    grouped = defaultdict(list)
    for row in rows.values("day").annotate(**{c: Sum(c) for c in COUNTS}):
        grouped[row["day"]].append(row)
    return {day: add(found) for day, found in grouped.items()}


def health_series(
    tenant, people: list[int], since: datetime.date, tier: str = ""
) -> dict[int, list[tuple[datetime.date, float]]]:
    """Each member's mean health per day since `since` (one query)."""
    rows = KamDay.objects.for_tenant(tenant).filter(membership_id__in=people, day__gte=since)
    if tier:
        rows = rows.filter(tier=tier)
    series = defaultdict(list)
    for row in (
        rows.values("membership_id", "day")
        .annotate(s=Sum("health_sum"), n=Sum("scored"))
        .order_by("day")
    ):
        if row["n"]:
            series[row["membership_id"]].append((row["day"], row["s"] / row["n"]))
    return series


# The current cell and the cell before its quarter are stored beside the account
# (`rpm.models.PLACE`): an account assessed this quarter moved from the latter, read from the
# `keyaccount_owner_cells` index alone. Only an account whose latest assessment is dated in a
# later quarter looks its cell before this one up.
RPM = """
SELECT owner_id, rpm_stage, rpm_maturity,
    CASE WHEN rpm_assessed_on >= %(since)s THEN rpm_quarter_stage END,
    CASE WHEN rpm_assessed_on >= %(since)s THEN rpm_quarter_maturity END,
    count(*)
FROM accounts_keyaccount
WHERE tenant_id = %(tenant)s AND owner_id = ANY(%(people)s) AND NOT status = 'archived'
    AND rpm_assessed_on < %(next)s AND (%(tier)s = '' OR tier = %(tier)s)
GROUP BY 1, 2, 3, 4, 5
UNION ALL
SELECT a.owner_id, a.rpm_stage, a.rpm_maturity, b.stage, b.maturity, count(*)
FROM accounts_keyaccount a LEFT JOIN LATERAL (
    SELECT stage, maturity FROM rpm_assessment
    WHERE tenant_id = a.tenant_id AND account_id = a.id AND assessed_on < %(since)s
    ORDER BY assessed_on DESC, id DESC
    LIMIT 1
) b ON true
WHERE a.tenant_id = %(tenant)s AND a.owner_id = ANY(%(people)s) AND NOT a.status = 'archived'
    AND a.rpm_assessed_on >= %(next)s AND (%(tier)s = '' OR a.tier = %(tier)s)
GROUP BY 1, 2, 3, 4, 5
"""


@dataclass
class Matrix:
    assessed: int = 0
    top: int = 0  # at level 3
    up: int = 0
    down: int = 0
    by_level: dict | None = None

    @property
    def top_share(self) -> float | None:
        return _ratio(self.top, self.assessed)


def rpm(tenant, people: list[int], today: datetime.date, tier: str = "") -> dict[int, Matrix]:
    """Per owner: accounts assessed, at level 3, moved up or down a level this quarter
    (one query, grouped in SQL by owner and cell)."""
    grid = levels(tenant)
    out: dict[int, Matrix] = defaultdict(lambda: Matrix(by_level={1: 0, 2: 0, 3: 0}))
    since = quarter_start(today)
    params = {
        "tenant": tenant.pk,
        "since": since,
        "next": quarter_start(since + datetime.timedelta(days=92)),
        "people": people,
        "tier": tier,
    }
    with connection.cursor() as cursor:
        cursor.execute(RPM, params)
        for owner, stage, maturity, stage_before, maturity_before, n in cursor.fetchall():
            m = out[owner]
            level = grid[stage, maturity]
            m.assessed += n
            m.by_level[level] += n
            m.top += n if level == 3 else 0
            if stage_before is not None:
                before = grid[stage_before, maturity_before]
                m.up += n if level > before else 0
                m.down += n if level < before else 0
    return out


def current_cycle(tenant) -> ReviewCycle | None:
    return ReviewCycle.objects.for_tenant(tenant).order_by("-period_end", "-pk").first()


def reviews_in(cycle: ReviewCycle | None, people: list[int]) -> dict[int, PerformanceReview]:
    if cycle is None:
        return {}
    found = PerformanceReview.objects.filter(tenant=cycle.tenant, cycle=cycle, kam_id__in=people)
    return {r.kam_id: r for r in found}
