"""The facts health and the alert rules look at, per account: `gather` collects every account's
inputs with a fixed number of aggregate queries per tenant, whatever the number of accounts."""

import datetime
import json
from dataclasses import dataclass, field

from django.db.models import Count, F, FloatField, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast, JSONObject, TruncDate
from django.utils import timezone

from accounts import metrics
from accounts.health.model import KEY_ROLES
from accounts.models import (
    KPI,
    Action,
    Contact,
    CustomerFeedback,
    FinancialPeriod,
    HealthSnapshot,
    Interaction,
    KeyAccount,
    KPIMeasurement,
    Objective,
    Origin,
    PlanRevision,
)
from kamapp import db

QUARTER = datetime.timedelta(days=90)
YEAR = datetime.timedelta(days=365)
BEST_DAYS = 30
MISSING = object()
AMOUNTS = [a for a in FinancialPeriod.AMOUNTS if a != "renewal_amount"]  # what scoring reads


# Functions (inputs, account id queryset, today) that add facts to the inputs, set-based; apps
# that depend on accounts register theirs (the RPM adds its assessments).
EXTENSIONS: list = []


@dataclass
class Inputs:
    """Everything health and the alert rules look at, for one account."""

    account_id: int
    tier: str
    owner_id: int | None
    renewal_date: datetime.date | None
    review_days: int
    # days since the first evidence of the account (None: unknown, taken as established)
    age_days: int | None = None
    last_reviewed: datetime.date | None = None
    next_review_due: datetime.date | None = None
    revisions_recent: int = 0
    attainment: dict[int, list[float]] = field(default_factory=dict)  # objective -> KPIs
    attainment_before: list[float] = field(default_factory=list)  # the same KPIs 90 days ago
    baseline_only: int = 0  # KPIs with nothing but their baseline: "not measured yet"
    kpi_trend: list[tuple[float, float]] = field(default_factory=list)  # (90 days ago, now)
    interactions: int = 0
    last_meaningful: datetime.date | None = None
    meaningful_90: int = 0
    engaged_contacts: int = 0
    roles_engaged: set[str] = field(default_factory=set)
    # key-role contacts: {"name", "role", "last_met", "met_year", "left_on"}
    key_contacts: list[dict] = field(default_factory=list)
    actions: int = 0
    done: int = 0
    done_on_time: int = 0
    overdue: int = 0
    overdue_long: int = 0
    planned_budget: float = 0.0
    actual_cost: float = 0.0
    # the answers sentiment reads, newest first: the customer's own when there are any
    nps: list[int] = field(default_factory=list)
    csat: list[int] = field(default_factory=list)
    voice: str = ""  # the Origin of `nps`/`csat`
    # every origin's answers, newest first: (date, nps, csat)
    said: dict[str, list[tuple]] = field(default_factory=dict)
    # sums over the last two quarters ("recent") and the two before ("before"), with "n"
    # the number of quarters found in each half
    finance: dict = field(default_factory=dict)
    previous_score: int | None = None
    daily_best: list[int | None] = field(default_factory=list)  # today first, 30 days
    stage_regressed: bool = False  # set by the RPM through EXTENSIONS
    extra: dict = field(default_factory=dict)  # facts other apps add through EXTENSIONS
    money: object = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        self.money = MISSING

    @property
    def best_score_30d(self) -> int | None:
        return max((s for s in self.daily_best if s is not None), default=None)


def gather(tenant, account_ids: list[int] | None = None, today: datetime.date | None = None):
    """Inputs for the tenant's active accounts (or just `account_ids`): eight queries."""
    today = today or timezone.localdate()
    accounts = KeyAccount.objects.for_tenant(tenant).active()
    if account_ids is not None:
        accounts = accounts.filter(pk__any=account_ids)
    # Child queries select by a subquery, not a list of thousands of ids.
    ids = accounts.values("pk")
    # rows stamped with a time count up to the end of `today`, as dated rows do
    day_after = datetime.datetime.combine(
        today + datetime.timedelta(days=1), datetime.time(), timezone.get_current_timezone()
    )
    facts = [
        _kpis(ids, today),
        _interactions(ids, today),
        _engaged(ids, today),
        _revisions(ids, day_after),
        _actions(ids, today),
        _feedback(ids, today),
        _finance(ids, today),
    ]
    # the latest snapshot: one index probe per account, however long the history
    previous = (
        HealthSnapshot.objects.filter(
            tenant=OuterRef("tenant"), account=OuterRef("pk"), computed_at__lt=day_after
        )
        .order_by("-computed_at", "-id")
        .values(json=JSONObject(score="score", day=TruncDate("computed_at"), best="daily_best"))
    )
    base = accounts.values_list(
        "pk",
        "tier",
        "owner_id",
        "renewal_date",
        TruncDate("created_at"),
        TruncDate("plan__last_reviewed_at"),
        "plan__next_review_due",
        Subquery(previous[:1]),
    )
    inputs = {}
    for pk, tier, owner, renewal, created, reviewed, due, snapshot in db.rows(base):
        item = inputs[pk] = Inputs(
            account_id=pk,
            tier=tier,
            owner_id=owner,
            renewal_date=renewal,
            review_days=metrics.review_days(tenant.settings, tier),
            age_days=(today - created).days,
            last_reviewed=reviewed,
            next_review_due=due,
        )
        _previous(item, snapshot, today)
    for query, fold in facts:
        fold(inputs, db.rows(query))
    for item in inputs.values():
        _choose_voice(item)
    for extend in EXTENSIONS:
        extend(inputs, ids, today)
    return inputs


# Each fact source below is (query, fold): the query's rows, folded into the inputs.


def _float(amount: Sum) -> Cast:
    """Sums of money as floats: they only feed ratios, and Decimals cost more to load."""
    return Cast(amount, FloatField())


def _kpis(ids, today):
    """Each active KPI's latest value now and 90 days ago: two index lookups per KPI on
    (tenant, kpi, date)."""

    def latest(on_or_before: datetime.date) -> Subquery:
        values = KPIMeasurement.objects.filter(
            tenant=OuterRef("tenant"), kpi=OuterRef("pk"), date__lte=on_or_before
        ).order_by("-date", "-id")
        return Subquery(values.values("value")[:1])

    query = (
        KPI.objects.filter(objective__account_id__in=ids, objective__status=Objective.Status.ACTIVE)
        .annotate(
            now=latest(today),
            before=latest(today - datetime.timedelta(days=90)),
            # a value off the baseline, or the baseline standing for a quarter: measured
            moved=Subquery(
                KPIMeasurement.objects.filter(
                    ~Q(value=OuterRef("baseline")) | Q(date__lt=today - QUARTER),
                    tenant=OuterRef("tenant"),
                    kpi=OuterRef("pk"),
                    date__lte=today,
                ).values("pk")[:1]
            ),
        )
        .order_by()
        .values_list(
            "objective__account_id", "objective_id", "baseline", "target", "now", "before", "moved"
        )
    )

    def fold(inputs, rows):
        for account, objective, baseline, target, value, value_before, moved in rows:
            now = metrics.attainment(baseline, target, value)
            if now is None:
                continue
            item = inputs[account]
            if moved is None:  # only the baseline so far: not measured yet, not 0 %
                item.baseline_only += 1
                continue
            item.attainment.setdefault(objective, []).append(now)
            before = metrics.attainment(baseline, target, value_before)
            if before is not None:
                item.attainment_before.append(before)
                item.kpi_trend.append((before, now))

    return query, fold


def _interactions(ids, today):
    query = (
        Interaction.objects.filter(account_id__in=ids, date__lte=today)  # none planned ahead
        .values("account_id")
        .annotate(
            n=Count("id"),
            first=Min("date"),
            last=Max("date", filter=Q(meaningful=True)),
            recent=Count("id", filter=Q(meaningful=True, date__gte=today - QUARTER)),
        )
        .values_list("account_id", "n", "first", "last", "recent")
    )

    def fold(inputs, rows):
        for account, n, first, last, recent in rows:
            item = inputs[account]
            item.interactions, item.last_meaningful, item.meaningful_90 = n, last, recent
            # history logged from before the account was created here counts as age
            item.age_days = max(item.age_days or 0, (today - first).days)

    return query, fold


def _engaged(ids, today):
    """Every contact with the last time we met them and how often in 90 days and a year:
    breadth, the buying roles reached, and the key roles that went quiet or left."""
    met = Q(interactions__date__lte=today)
    query = (
        Contact.objects.filter(account_id__in=ids)
        .annotate(
            last=Max("interactions__date", filter=met),
            recent=Count("interactions", filter=met & Q(interactions__date__gte=today - QUARTER)),
            year=Count("interactions", filter=met & Q(interactions__date__gte=today - YEAR)),
        )
        # only the contacts `fold` reads: engaged lately, or a key role met this year or gone
        .filter(
            Q(recent__gt=0)
            | Q(buying_role__in=KEY_ROLES) & (Q(year__gt=0) | Q(left_on__isnull=False))
        )
        .order_by()
        .values_list("account_id", "name", "buying_role", "left_on", "last", "recent", "year")
    )

    def fold(inputs, rows):
        for account, name, role, left_on, last, recent, year in rows:
            item = inputs[account]
            if recent:
                item.engaged_contacts += 1
                item.roles_engaged.add(role)
            if role in KEY_ROLES and (year or left_on):
                item.key_contacts.append(
                    {
                        "name": name,
                        "role": role,
                        "last_met": last,
                        "met_year": year,
                        "left_on": left_on if left_on and left_on <= today else None,
                    }
                )

    return query, fold


def _revisions(ids, day_after):
    query = (
        PlanRevision.objects.filter(
            plan__account_id__in=ids,
            created_at__gte=day_after - 2 * QUARTER,
            created_at__lt=day_after,
        )
        .values("plan__account_id")
        .annotate(n=Count("id"))
        .values_list("plan__account_id", "n")
    )

    def fold(inputs, rows):
        for account, n in rows:
            inputs[account].revisions_recent = n

    return query, fold


def _actions(ids, today):
    open_ = Q(status__in=[Action.Status.PLANNED, Action.Status.IN_PROGRESS])
    done = Q(status=Action.Status.DONE)
    query = (
        Action.objects.filter(account_id__in=ids)
        .exclude(status=Action.Status.CANCELLED)
        .values("account_id")
        .annotate(
            n=Count("id"),
            done=Count("id", filter=done),
            on_time=Count("id", filter=done & Q(done_date__lte=F("due_date"))),
            overdue=Count("id", filter=open_ & Q(due_date__lt=today)),
            overdue_long=Count(
                "id", filter=open_ & Q(due_date__lt=today - datetime.timedelta(days=7))
            ),
            planned=_float(Sum("planned_budget", filter=Q(actual_cost__isnull=False))),
            actual=_float(Sum("actual_cost", filter=Q(planned_budget__isnull=False))),
        )
        .values_list(
            "account_id", "n", "done", "on_time", "overdue", "overdue_long", "planned", "actual"
        )
    )

    def fold(inputs, rows):
        for account, n, done, on_time, overdue, overdue_long, planned, actual in rows:
            item = inputs[account]
            item.actions, item.done, item.done_on_time = n, done, on_time
            item.overdue, item.overdue_long = overdue, overdue_long
            item.planned_budget, item.actual_cost = planned or 0.0, actual or 0.0

    return query, fold


def _feedback(ids, today):
    query = (
        CustomerFeedback.objects.filter(
            account_id__in=ids, date__range=(today.replace(year=today.year - 2), today)
        )
        .order_by("account_id", "-date", "-id")
        .values_list("account_id", "source", "date", "nps", "csat")
    )

    def fold(inputs, rows):
        for account, source, date, nps, csat in rows:
            origin = CustomerFeedback.ORIGINS[source]
            inputs[account].said.setdefault(origin, []).append((date, nps, csat))

    return query, fold


def _choose_voice(item: Inputs) -> None:
    """Sentiment reads the customer's own answers; what the KAM or a supervisor logged only
    when the customer has said nothing."""
    for origin in (Origin.CUSTOMER, Origin.KAM, Origin.SUPERVISOR):
        answers = item.said.get(origin)
        if answers:
            item.voice = origin
            item.nps = [nps for _, nps, _ in answers if nps is not None]
            item.csat = [csat for _, _, csat in answers if csat is not None]
            return


def _finance(ids, today):
    """Quarterly sums over the last two quarters ("recent") and the two before ("before")."""
    start = _quarter_start(today)
    halves = {
        "recent": Q(period_start__gte=_add_months(start, -6)),
        "before": Q(period_start__lt=_add_months(start, -6)),
    }
    sums = {}
    for half, when in halves.items():
        sums[f"{half}_n"] = Count("id", filter=when)
        for amount in AMOUNTS:
            sums[f"{half}_{amount}"] = _float(Sum(amount, filter=when))
    query = (
        FinancialPeriod.objects.filter(
            account_id__in=ids,
            kind=FinancialPeriod.Kind.QUARTER,
            period_start__gte=_add_months(start, -12),
            period_start__lt=start,
        )
        .values("account_id")
        .annotate(**sums)
        .values_list("account_id", *sums)
    )
    names = list(sums)

    def fold(inputs, rows):
        for account, *values in rows:
            row = dict(zip(names, values, strict=True))
            inputs[account].finance = {
                half: {"n": row[f"{half}_n"], **{a: row[f"{half}_{a}"] or 0 for a in AMOUNTS}}
                for half in halves
            }

    return query, fold


def _previous(item: Inputs, snapshot: str | None, today: datetime.date) -> None:
    """The account's latest snapshot (JSON): its score, and its 30-day bests moved to
    `today`."""
    if snapshot is None:
        return
    snapshot = json.loads(snapshot)
    gap = max(0, (today - datetime.date.fromisoformat(snapshot["day"])).days)
    item.previous_score = snapshot["score"]
    item.daily_best = ([None] * gap + (snapshot["best"] or [snapshot["score"]]))[:BEST_DAYS]


def _quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)
