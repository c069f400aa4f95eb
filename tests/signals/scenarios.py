"""Labelled accounts as a KAM director would judge them: each scenario is a year of plan,
contacts, meetings, KPIs, actions, money, feedback and RPM assessments built through the
models, with the rules that must flag it; every other rule must stay quiet.

Variants draw their jitter (dates, values, noise) from a seeded random generator, so each run
tries slightly different accounts; the seed is printed with any miss.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from accounts import alerts, health, recalculation
from accounts.models import (
    KPI,
    AccountPlan,
    Action,
    Contact,
    CustomerFeedback,
    FinancialPeriod,
    Interaction,
    InteractionContact,
    KeyAccount,
    KPIMeasurement,
    Objective,
    PlanRevision,
)
from rpm.models import Assessment

ROLES = ["decision_maker", "economic_buyer", "champion", "influencer", "user"]
KEY_ROLES = {"decision_maker", "economic_buyer", "champion"}


@dataclass
class Spec:
    """The knobs of one account's year; the defaults are a healthy key account."""

    tier: str = "key"
    age: int = 400  # days since the account began
    roles: list[str] = field(default_factory=lambda: list(ROLES))
    gap: int = 28  # days between meaningful meetings
    last_met: int = 6  # days since the last one
    quiet: dict[str, int] = field(default_factory=dict)  # role -> not met for these days
    left: dict[str, int] = field(default_factory=dict)  # role -> left this many days ago
    successor: bool = False  # someone new in each role that left, met since
    kpis: tuple[float, float, float] = (0.2, 0.5, 0.7)  # attainment a year ago, 90 days, now
    baseline_only: bool = False
    overdue: int = 0  # actions left open past their due date
    overdue_by: int = 30  # days
    reviewed: int | None = 30  # days since the plan review (None: never)
    growth: float = 0.04  # revenue, last two quarters against the two before
    leakage: float = 0.04
    expansion: float = 0.0  # upsell growth
    feedback: list[tuple[int, int, str]] = field(default_factory=lambda: [(40, 9, "survey")])
    renewal: int = 300  # days to the renewal
    stages: tuple[int, ...] = (3, 3)
    drop_from: int | None = None  # a 30-day best this far above today's score


@dataclass
class Scenario:
    name: str
    spec: Spec
    flags: set[str] = field(default_factory=set)


def _s(name: str, flags: set[str] | None = None, **knobs) -> Scenario:
    return Scenario(name, Spec(**knobs), flags or set())


SCENARIOS = [
    # healthy accounts of every tier stay quiet
    _s("healthy strategic, monthly strategic meetings", tier="strategic", gap=30, last_met=20),
    _s("healthy strategic, last meeting 40 days ago", tier="strategic", gap=30, last_met=40),
    _s("healthy key account", tier="key"),
    _s("healthy development account", tier="development", gap=45, last_met=30),
    _s("healthy, renewing in 60 days with the sponsors met", renewal=60),
    _s("long game: revenue flat, customer KPIs strongly up", growth=0.0, kpis=(0.1, 0.4, 0.9)),
    # new accounts: not enough data yet, nothing raised from absence
    _s(
        "new account, two weeks old",
        age=14,
        last_met=3,
        gap=7,
        baseline_only=True,
        reviewed=None,
        feedback=[],
        growth=None,
        stages=(2,),
    ),
    _s(
        "new strategic account, baselines just recorded",
        tier="strategic",
        age=20,
        last_met=10,
        gap=10,
        baseline_only=True,
        reviewed=None,
        feedback=[],
        growth=None,
        stages=(2,),
        drop_from=30,
    ),
    # near misses
    _s("renewal outside the window, sponsor not met", renewal=120, quiet={"economic_buyer": 400}),
    _s("customer NPS 7, steady", feedback=[(100, 7, "survey"), (30, 7, "survey")]),
    _s("KAM and customer 2 points apart", feedback=[(60, 7, "survey"), (20, 9, "meeting")]),
    _s("discounts at 12 %", leakage=0.12),
    _s("decision maker not met for 60 days", quiet={"decision_maker": 60}),
    _s("KPIs dipped 8 points", kpis=(0.3, 0.6, 0.52)),
    _s("decision maker left, successor met", left={"decision_maker": 60}, successor=True),
    _s("one action three days overdue", overdue=1, overdue_by=3),
    # single-signal problems
    _s("ghosted: no meaningful contact for 100 days", last_met=100, flags={"no_contact"}),
    _s("single-threaded", roles=["decision_maker"], flags={"single_threaded"}),
    _s("stale plan", reviewed=200, flags={"plan_stale"}),
    _s("margin eroding", leakage=0.3, flags={"margin_erosion"}),
    _s(
        "upsell without customer results",
        kpis=(0.3, 0.3, 0.3),
        expansion=0.5,
        flags={"upsell_without_results"},
    ),
    _s("overdue actions", overdue=3, flags={"overdue_actions"}),
    _s("relationship stage regressed", stages=(3, 4, 2), flags={"stage_regressed"}),
    _s(
        "customer detractor",
        feedback=[(120, 8, "survey"), (20, 3, "survey")],
        flags={"detractor"},
    ),
    _s(
        "health fell 25 points in a month",
        kpis=(0.3, 0.3, 0.3),
        drop_from=25,
        flags={"health_drop"},
    ),
    # compound and missing rules
    _s(
        "renewal in 45 days below healthy",
        renewal=45,
        kpis=(0.1, 0.15, 0.15),
        reviewed=80,
        feedback=[(100, 7, "survey"), (30, 7, "survey")],
        growth=-0.04,
        flags={"renewal_risk"},
    ),
    _s(
        "renewal in 60 days, economic buyer never met",
        renewal=60,
        quiet={"economic_buyer": 400},
        flags={"renewal_unsponsored"},
    ),
    _s(
        "decision maker, economic buyer and champion gone quiet",
        quiet={"decision_maker": 130, "economic_buyer": 120, "champion": 110},
        flags={"key_role_lost"},
    ),
    _s("decision maker left the company", left={"decision_maker": 30}, flags={"key_role_lost"}),
    _s(
        "customer KPIs falling while revenue grows",
        kpis=(0.5, 0.6, 0.2),
        growth=0.12,
        flags={"kpi_decline"},
    ),
    _s(
        "customer KPIs falling, revenue flat",
        kpis=(0.5, 0.65, 0.35),
        growth=0.0,
        flags={"kpi_decline"},
    ),
    _s(
        "KAM's NPS 9 masks the customer's 2–4",
        feedback=[(90, 4, "survey"), (50, 2, "survey"), (25, 3, "survey"), (5, 9, "meeting")],
        flags={"sentiment_split", "detractor"},
    ),
]


class Builder:
    """Rows for many accounts, written with one bulk insert per model."""

    def __init__(self, tenant, owner, today: datetime.date):
        self.tenant, self.owner, self.today = tenant, owner, today
        self.rows: dict[type, list] = {}

    def add(self, obj) -> None:
        self.rows.setdefault(type(obj), []).append(obj)

    def day(self, days_ago: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days_ago)

    def account(self, name: str, spec: Spec, rng: random.Random) -> KeyAccount:
        t = self.tenant
        account = KeyAccount.objects.create(
            tenant=t,
            name=name,
            tier=spec.tier,
            owner=self.owner,
            renewal_date=self.day(-spec.renewal - rng.randrange(0, 5)),
        )
        KeyAccount.objects.filter(pk=account.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=spec.age)
        )
        self._plan(account, spec, rng)
        contacts = self._contacts(account, spec)
        self._meetings(account, spec, rng, contacts)
        self._kpis(account, spec, rng)
        self._actions(account, spec, rng)
        if spec.growth is not None:
            self._money(account, spec, rng)
        for days, nps, source in spec.feedback:
            self.add(
                CustomerFeedback(
                    tenant=t,
                    account=account,
                    date=self.day(days + rng.randrange(0, 4)),
                    nps=nps,
                    source=source,
                )
            )
        step = max(1, min(spec.age, 360) // len(spec.stages))
        for n, stage in enumerate(spec.stages):
            back = min(spec.age - 1, 360) - n * step if n < len(spec.stages) - 1 else 10
            self.add(
                Assessment(
                    tenant=t, account=account, assessed_on=self.day(back), stage=stage, maturity=3
                )
            )
        return account

    def _plan(self, account, spec, rng) -> None:
        reviewed = None if spec.reviewed is None else self.day(spec.reviewed + rng.randrange(3))
        plan = AccountPlan.objects.create(
            tenant=self.tenant,
            account=account,
            summary="Grow with the customer.",
            last_reviewed_at=None
            if reviewed is None
            else timezone.make_aware(datetime.datetime.combine(reviewed, datetime.time(10))),
            next_review_due=None if reviewed is None else reviewed + datetime.timedelta(days=90),
        )
        if reviewed is not None:
            for n, back in enumerate((100, 0), start=1):
                self.add(
                    PlanRevision(
                        tenant=self.tenant,
                        plan=plan,
                        number=n,
                        created_at=plan.last_reviewed_at - datetime.timedelta(days=back),
                    )
                )

    def _contacts(self, account, spec) -> list[Contact]:
        # (role, joined days ago, left days ago): a successor joined when the other left
        people = [(role, None, spec.left.get(role)) for role in spec.roles]
        people += [(role, days, None) for role, days in spec.left.items() if spec.successor]
        contacts = Contact.objects.bulk_create(
            Contact(
                tenant=self.tenant,
                account=account,
                name=f"{role} {n}",
                buying_role=role,
                left_on=None if left is None else self.day(left),
            )
            for n, (role, _, left) in enumerate(people)
        )
        for contact, (_, joined, _) in zip(contacts, people, strict=True):
            contact.joined = joined
        return contacts

    def _meetings(self, account, spec, rng, contacts) -> None:
        days, turn = spec.last_met, 0
        span = min(spec.age, 365)
        while days < span:
            met = []
            for contact in contacts:
                role = contact.buying_role
                gone = contact.left_on is not None and self.day(days) > contact.left_on
                not_yet = contact.joined is not None and days > contact.joined
                if not (days < spec.quiet.get(role, -1) or gone or not_yet):
                    met.append(contact)
            if met:
                interaction = Interaction(
                    tenant=self.tenant,
                    account=account,
                    date=self.day(days),
                    summary="Strategy review",
                    meaningful=True,
                )
                self.add(interaction)
                # the sponsors we still see at every meeting, and one of the others in turn
                others = [c for c in met if c.buying_role not in KEY_ROLES]
                sponsors = [c for c in met if c.buying_role in KEY_ROLES]
                for contact in sponsors + others[turn % max(1, len(others)) :][:1]:
                    self.add((interaction, contact))
                turn += 1
            days += max(3, spec.gap + rng.randrange(-3, 4))

    def _kpis(self, account, spec, rng) -> None:
        for n in range(2):
            objective = Objective.objects.create(
                tenant=self.tenant, account=account, title=f"Goal {n}"
            )
            kpi = KPI.objects.create(
                tenant=self.tenant,
                objective=objective,
                name=f"KPI {n}",
                baseline=Decimal(0),
                target=Decimal(100),
            )
            if spec.baseline_only:
                self.add(
                    KPIMeasurement(
                        tenant=self.tenant, kpi=kpi, date=self.day(spec.age - 2), value=Decimal(0)
                    )
                )
                continue
            year, quarter, now = spec.kpis
            for days in range(min(spec.age, 360), -1, -30):
                share = (
                    year + (quarter - year) * (360 - days) / 270
                    if days >= 90
                    else quarter + (now - quarter) * (90 - days) / 90
                )
                value = 100 * share + rng.uniform(-1.5, 1.5)
                self.add(
                    KPIMeasurement(
                        tenant=self.tenant,
                        kpi=kpi,
                        date=self.day(days + 2),
                        value=Decimal(f"{value:.2f}"),
                    )
                )

    def _actions(self, account, spec, rng) -> None:
        for n in range(4):
            due = self.day(30 * (n + 1) + rng.randrange(5))
            self.add(
                Action(
                    tenant=self.tenant,
                    account=account,
                    title=f"Done {n}",
                    status="done",
                    due_date=due,
                    done_date=due - datetime.timedelta(days=2),
                )
            )
        for n in range(spec.overdue):
            self.add(
                Action(
                    tenant=self.tenant,
                    account=account,
                    title=f"Late {n}",
                    status="in_progress",
                    due_date=self.day(spec.overdue_by + n),
                )
            )
        self.add(
            Action(
                tenant=self.tenant,
                account=account,
                title="Next",
                status="planned",
                due_date=self.day(-30),
            )
        )

    def _money(self, account, spec, rng) -> None:
        start = datetime.date(self.today.year, 3 * ((self.today.month - 1) // 3) + 1, 1)
        for back in range(1, 9):
            month = start.month - 1 - 3 * back
            period = datetime.date(start.year + month // 12, month % 12 + 1, 1)
            recent = back <= 2
            revenue = 100_000 * (1 + spec.growth if recent else 1) * rng.uniform(0.99, 1.01)
            upsell = 5_000 * (1 + spec.expansion if recent else 1)
            self.add(
                FinancialPeriod(
                    tenant=self.tenant,
                    account=account,
                    period_start=period,
                    revenue=Decimal(round(revenue)),
                    cost=Decimal(round(0.6 * revenue)),
                    discounts=Decimal(round(spec.leakage * revenue)),
                    upsell_amount=Decimal(round(upsell)),
                )
            )

    def save(self) -> None:
        links = self.rows.pop(tuple, [])
        for model, objs in self.rows.items():
            model.objects.bulk_create(objs, batch_size=2000)
        InteractionContact.objects.bulk_create(
            InteractionContact(tenant=self.tenant, interaction=i, contact=c) for i, c in links
        )


def run(tenant, owner, seed: int, variants: int) -> list[dict]:
    """Build every scenario `variants` times and evaluate the rules as of today: one row per
    account with what fired and what had to."""
    today = timezone.localdate()
    builder = Builder(tenant, owner, today)
    built = []
    for scenario in SCENARIOS:
        for variant in range(variants):
            rng = random.Random(f"{seed}:{scenario.name}:{variant}")
            account = builder.account(f"{scenario.name} #{variant}", scenario.spec, rng)
            built.append((scenario, variant, account.pk))
    builder.save()
    model = health.model_for(tenant)
    inputs = health.gather(tenant, today=today)
    verdicts = {pk: health.score(item, model, today) for pk, item in inputs.items()}
    drops = {pk: s.spec.drop_from for s, _, pk in built if s.spec.drop_from}
    if drops:  # a 30-day best above today's score, as an earlier run would have left it
        at = timezone.now() - datetime.timedelta(days=10)
        best = {pk: min(100, (verdicts[pk].score or 50) + drops[pk]) for pk in drops}
        past = {pk: health.Health(best[pk], "", {}) for pk in drops}
        recalculation.write_snapshots(tenant, {pk: inputs[pk] for pk in drops}, past, at=at)
        inputs = health.gather(tenant, today=today)
    out = []
    for scenario, variant, pk in built:
        found = alerts.findings(inputs[pk], verdicts[pk], model, today)
        out.append(
            {
                "scenario": scenario.name,
                "variant": variant,
                "expected": scenario.flags,
                "fired": {rule: f.message for rule, f in found.items()},
                "score": verdicts[pk].score,
                "band": verdicts[pk].band,
            }
        )
    return out


def tally(results: list[dict]) -> dict:
    """Recall (expected flags raised) and false alarms (rules raised that should not have),
    per rule and overall; an account with any unwanted alert is one false alarm overall."""
    rules = sorted(alerts.RULES)
    per_rule = {}
    for rule in rules:
        should = [r for r in results if rule in r["expected"]]
        should_not = [r for r in results if rule not in r["expected"]]
        per_rule[rule] = {
            "expected": len(should),
            "caught": sum(rule in r["fired"] for r in should),
            "quiet_cases": len(should_not),
            "false_alarms": sum(rule in r["fired"] for r in should_not),
        }
    expected = sum(len(r["expected"]) for r in results)
    caught = sum(len(r["expected"] & set(r["fired"])) for r in results)
    noisy = [r for r in results if set(r["fired"]) - r["expected"]]
    return {
        "per_rule": per_rule,
        "recall": caught / expected if expected else 1.0,
        "false_alarm_rate": len(noisy) / len(results),
        "missed": [r for r in results if r["expected"] - set(r["fired"])],
        "noisy": noisy,
    }
