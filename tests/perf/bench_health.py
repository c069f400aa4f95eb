"""Health recalculation benchmark: `make bench` (not part of the test suite).

Builds a separate database (`kamapp_bench`) with N accounts over several tenants and ~100
child rows each (default 20,000 accounts, ~2M rows) plus 30 days of health history as the
daily thinning leaves it (every hourly snapshot of two days, then one a day), then times
(a) the set-based `recalculate` per tenant, one tenant after the other (its first run, which
opens every alert, is printed; the figure is the next run, the hourly steady state) and (b) a
naive per-account ORM loop (walk each account's related rows, then score) over a
1,000-account sample, extrapolated. Prints accounts/second for both, their ratio and the
queries per tenant; the last line is machine-readable.

    python tests/perf/bench_health.py [--accounts N] [--tenants T] [--sample S]
"""

import argparse
import datetime
import importlib
import os
import sys
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kamapp.settings")

from kamapp import devservices, embedded

BENCH_DB = "kamapp_bench"


def use_bench_database() -> None:
    import dj_database_url
    import psycopg

    base = os.environ.get("DATABASE_URL", embedded.DATABASE_URL)
    config = dj_database_url.parse(base)
    with psycopg.connect(
        dbname=config["NAME"],
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"],
        autocommit=True,
    ) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + BENCH_DB


GENERATE = """
SELECT set_config('app.rls_bypass', 'on', false);
INSERT INTO accounts_keyaccount (tenant_id, name, industry, tier, status, owner_id,
  contract_value, currency, renewal_date, website, created_at, updated_at)
SELECT %(tenant)s, 'Account ' || n, 'Industry ' || (n %% 12),
  (ARRAY['strategic','key','development'])[1 + n %% 3], 'active', %(owner)s,
  100000 + n, 'EUR', current_date + (n %% 400), '', now(), now()
FROM generate_series(1, %(n)s) n;
CREATE TEMP TABLE acc AS SELECT id, (row_number() OVER (ORDER BY id))::int AS n
  FROM accounts_keyaccount WHERE tenant_id = %(tenant)s;
INSERT INTO accounts_accountplan (tenant_id, account_id, summary, strategy, risks,
  last_reviewed_at, next_review_due, updated_at)
SELECT %(tenant)s, id, 'Plan', '', '', now() - (n %% 150) * interval '1 day',
  current_date + 90 - (n %% 150)::int, now() FROM acc;
INSERT INTO accounts_planrevision (tenant_id, plan_id, number, kind, summary, strategy, risks,
  note, created_at)
SELECT %(tenant)s, p.id, r, 'edit', 'Plan', '', '', '', now() - r * interval '60 day'
FROM accounts_accountplan p JOIN acc ON acc.id = p.account_id, generate_series(1, 3) r;
INSERT INTO accounts_contact (tenant_id, account_id, name, title, department, email, phone,
  buying_role, influence, relationship_strength, notes)
SELECT %(tenant)s, acc.id, 'Contact ' || c, '', '', '', '',
  (ARRAY['decision_maker','economic_buyer','champion','influencer','user','blocker',
         'user','influencer'])[c], 'medium', 1 + c %% 5, ''
FROM acc, generate_series(1, 8) c;
INSERT INTO accounts_objective (tenant_id, account_id, title, description, status, created_at)
SELECT %(tenant)s, acc.id, 'Goal ' || o, '', 'active', now() FROM acc, generate_series(1, 2) o;
INSERT INTO accounts_kpi (tenant_id, objective_id, name, unit, baseline, target, direction,
  cadence_days)
SELECT %(tenant)s, o.id, 'KPI ' || k, '', 40, 20, 'down', 90
FROM accounts_objective o JOIN acc ON acc.id = o.account_id, generate_series(1, 2) k;
INSERT INTO accounts_kpimeasurement (tenant_id, kpi_id, date, value, note, source)
SELECT %(tenant)s, k.id, current_date - m * 30, 40 - (12 - m) * (k.id %% 3), '', 'kam'
FROM accounts_kpi k JOIN accounts_objective o ON o.id = k.objective_id
  JOIN acc ON acc.id = o.account_id, generate_series(0, 11) m;
INSERT INTO accounts_interaction (tenant_id, account_id, date, kind, summary, meaningful,
  created_at, agenda)
SELECT %(tenant)s, acc.id, current_date - i * 17 - (acc.n %% 9)::int, 'meeting', 'Met',
  i %% 3 = 0, now(), ''
FROM acc, generate_series(0, 19) i;
INSERT INTO accounts_interactioncontact (tenant_id, interaction_id, contact_id)
SELECT %(tenant)s, i.id, (SELECT c.id FROM accounts_contact c
  WHERE c.account_id = i.account_id ORDER BY c.id OFFSET (i.id %% 8) LIMIT 1)
FROM accounts_interaction i JOIN acc ON acc.id = i.account_id;
INSERT INTO accounts_action (tenant_id, account_id, title, due_date, status, planned_budget,
  actual_cost, done_date, created_at, shared)
SELECT %(tenant)s, acc.id, 'Action ' || a, current_date + (a - 4) * 20,
  (ARRAY['done','done','done','in_progress','planned','planned'])[a], 1000, 900 + a * 40,
  CASE WHEN a <= 3 THEN current_date + (a - 4) * 20 END, now(), false
FROM acc, generate_series(1, 6) a;
INSERT INTO accounts_financialperiod (tenant_id, account_id, kind, period_start, revenue,
  cost, discounts, absorbed_costs, renewal_amount, upsell_amount, cross_sell_amount)
SELECT %(tenant)s, acc.id, 'quarter',
  (date_trunc('quarter', current_date) - q * interval '3 month')::date,
  100000 + q * 1000, 60000, 3000 + acc.n %% 20 * 500, 1000, 80000, 4000, 2000
FROM acc, generate_series(1, 8) q;
INSERT INTO accounts_customerfeedback (tenant_id, account_id, date, nps, csat, comment, source)
SELECT %(tenant)s, acc.id, current_date - f * 90, 5 + (acc.n + f) %% 6, 4, '', 'survey'
FROM acc, generate_series(0, 2) f;
INSERT INTO accounts_healthsnapshot (tenant_id, account_id, computed_at, score, band,
  components, model_version, daily_best)
SELECT %(tenant)s, acc.id, now() - h * interval '1 hour', 40 + (acc.n * 7 + h) %% 50, 'watch',
  '{}', 1, '{}'
FROM acc, generate_series(1, 48 + 28 * 24, 1) h WHERE h <= 48 OR h %% 24 = 0;
DROP TABLE acc;
"""


# The same per-account facts `health.gather` collects, written by hand as one statement
# (grouped aggregates joined on the account): the floor the hourly run is measured against.
RAW_FACTS = """
WITH accounts AS (
    SELECT k.id, k.tier, k.owner_id, k.renewal_date, k.created_at::date AS created,
        p.last_reviewed_at::date AS reviewed, p.next_review_due
    FROM accounts_keyaccount k LEFT JOIN accounts_accountplan p ON p.account_id = k.id
    WHERE k.tenant_id = %(tenant)s AND k.status <> 'archived'
), kpis AS (
    SELECT o.account_id, json_agg(json_build_array(o.id, k.baseline, k.target,
        (SELECT m.value FROM accounts_kpimeasurement m WHERE m.tenant_id = k.tenant_id
            AND m.kpi_id = k.id AND m.date <= %(today)s ORDER BY m.date DESC, m.id DESC LIMIT 1),
        (SELECT m.value FROM accounts_kpimeasurement m WHERE m.tenant_id = k.tenant_id
            AND m.kpi_id = k.id AND m.date <= %(quarter_ago)s ORDER BY m.date DESC, m.id DESC
            LIMIT 1),
        EXISTS (SELECT FROM accounts_kpimeasurement m WHERE m.tenant_id = k.tenant_id
            AND m.kpi_id = k.id AND m.date <= %(today)s
            AND (m.value <> k.baseline OR m.date < %(quarter_ago)s)))) AS kpis
    FROM accounts_kpi k JOIN accounts_objective o ON o.id = k.objective_id
    WHERE k.tenant_id = %(tenant)s AND o.status = 'active'
    GROUP BY o.account_id
), interactions AS (
    SELECT account_id, count(*) AS n, min(date) AS first,
        max(date) FILTER (WHERE meaningful) AS last,
        count(*) FILTER (WHERE meaningful AND date >= %(quarter_ago)s) AS recent
    FROM accounts_interaction WHERE tenant_id = %(tenant)s AND date <= %(today)s
    GROUP BY account_id
), contacts AS (
    SELECT c.account_id, json_agg(json_build_array(c.name, c.buying_role, c.left_on, m.last,
        m.recent, m.year)) AS contacts
    FROM accounts_contact c LEFT JOIN (
        SELECT ic.contact_id, max(i.date) AS last,
            count(*) FILTER (WHERE i.date >= %(quarter_ago)s) AS recent,
            count(*) FILTER (WHERE i.date >= %(year_ago)s) AS year
        FROM accounts_interactioncontact ic JOIN accounts_interaction i ON i.id = ic.interaction_id
        WHERE ic.tenant_id = %(tenant)s AND i.date <= %(today)s
        GROUP BY ic.contact_id
    ) m ON m.contact_id = c.id
    WHERE c.tenant_id = %(tenant)s
    GROUP BY c.account_id
), revisions AS (
    SELECT p.account_id, count(*) AS n
    FROM accounts_planrevision r JOIN accounts_accountplan p ON p.id = r.plan_id
    WHERE r.tenant_id = %(tenant)s AND r.created_at >= %(half_year_ago)s
        AND r.created_at < %(day_after)s
    GROUP BY p.account_id
), actions AS (
    SELECT account_id, count(*) AS n, count(*) FILTER (WHERE status = 'done') AS done,
        count(*) FILTER (WHERE status = 'done' AND done_date <= due_date) AS on_time,
        count(*) FILTER (WHERE status IN ('planned', 'in_progress') AND due_date < %(today)s)
            AS overdue,
        count(*) FILTER (WHERE status IN ('planned', 'in_progress')
            AND due_date < %(week_ago)s) AS overdue_long,
        sum(planned_budget) FILTER (WHERE actual_cost IS NOT NULL)::float AS planned,
        sum(actual_cost) FILTER (WHERE planned_budget IS NOT NULL)::float AS actual
    FROM accounts_action WHERE tenant_id = %(tenant)s AND status <> 'cancelled'
    GROUP BY account_id
), feedback AS (
    SELECT account_id, json_agg(json_build_array(source, date, nps, csat)
        ORDER BY date DESC, id DESC) AS answers
    FROM accounts_customerfeedback
    WHERE tenant_id = %(tenant)s AND date BETWEEN %(two_years_ago)s AND %(today)s
    GROUP BY account_id
), finance AS (
    SELECT account_id,
        count(*) FILTER (WHERE period_start >= %(half_start)s) AS recent_n,
        sum(revenue) FILTER (WHERE period_start >= %(half_start)s)::float AS recent_revenue,
        sum(cost) FILTER (WHERE period_start >= %(half_start)s)::float AS recent_cost,
        sum(discounts) FILTER (WHERE period_start >= %(half_start)s)::float AS recent_discounts,
        sum(absorbed_costs) FILTER (WHERE period_start >= %(half_start)s)::float
            AS recent_absorbed,
        sum(upsell_amount + cross_sell_amount) FILTER (WHERE period_start >= %(half_start)s)
            ::float AS recent_growth,
        count(*) FILTER (WHERE period_start < %(half_start)s) AS before_n,
        sum(revenue) FILTER (WHERE period_start < %(half_start)s)::float AS before_revenue,
        sum(cost) FILTER (WHERE period_start < %(half_start)s)::float AS before_cost,
        sum(discounts) FILTER (WHERE period_start < %(half_start)s)::float AS before_discounts,
        sum(absorbed_costs) FILTER (WHERE period_start < %(half_start)s)::float
            AS before_absorbed,
        sum(upsell_amount + cross_sell_amount) FILTER (WHERE period_start < %(half_start)s)
            ::float AS before_growth
    FROM accounts_financialperiod
    WHERE tenant_id = %(tenant)s AND kind = 'quarter' AND period_start >= %(year_start)s
        AND period_start < %(quarter_start)s
    GROUP BY account_id
), assessments AS (
    SELECT account_id, (array_agg(stage ORDER BY assessed_on DESC, id DESC))[1:2] AS stages,
        max(assessed_on) AS last
    FROM rpm_assessment WHERE tenant_id = %(tenant)s
    GROUP BY account_id
)
SELECT a.*, s.score, s.day, s.daily_best, kpis.kpis, i.n, i.first, i.last, i.recent,
    contacts.contacts, revisions.n, actions.n, actions.done, actions.on_time, actions.overdue,
    actions.overdue_long, actions.planned, actions.actual, feedback.answers, finance.*,
    assessments.stages, assessments.last
FROM accounts a
LEFT JOIN LATERAL (
    SELECT score, computed_at::date AS day, daily_best FROM accounts_healthsnapshot h
    WHERE h.tenant_id = %(tenant)s AND h.account_id = a.id AND h.computed_at < %(day_after)s
    ORDER BY computed_at DESC, id DESC LIMIT 1
) s ON true
LEFT JOIN kpis ON kpis.account_id = a.id
LEFT JOIN interactions i ON i.account_id = a.id
LEFT JOIN contacts ON contacts.account_id = a.id
LEFT JOIN revisions ON revisions.account_id = a.id
LEFT JOIN actions ON actions.account_id = a.id
LEFT JOIN feedback ON feedback.account_id = a.id
LEFT JOIN finance ON finance.account_id = a.id
LEFT JOIN assessments ON assessments.account_id = a.id
"""


# The steps of the hourly run, timed by wrapping the functions it calls: (module, function).
PHASES = {
    "gather": ("accounts.health", "gather"),
    "score": ("accounts.health", "score"),
    "process": ("accounts.process.conformance", "percents"),
    "write": ("accounts.recalculation", "write_snapshots"),
    "alerts": ("accounts.alerts", "evaluate"),
    "rollup": ("accounts.rollups", "write"),
}


@contextmanager
def timed_phases(seconds: dict[str, float]):
    """Add each phase's time to `seconds` while the block runs."""
    wrapped = []
    for phase, (module_name, name) in PHASES.items():
        module = importlib.import_module(module_name)
        original = getattr(module, name)

        def timed(*args, _original=original, _phase=phase, **kwargs):
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                seconds[_phase] = seconds.get(_phase, 0.0) + time.perf_counter() - started

        wrapped.append((module, name, original))
        setattr(module, name, timed)
    try:
        yield
    finally:
        for module, name, original in wrapped:
            setattr(module, name, original)


def raw_facts(tenant, today: datetime.date) -> int:
    """Run `RAW_FACTS` for one tenant and fetch every row; returns the number of accounts."""
    from django.db import connection

    from accounts.health.inputs import _add_months, _quarter_start

    quarter_start = _quarter_start(today)
    day_after = datetime.datetime.combine(
        today + datetime.timedelta(days=1), datetime.time(), datetime.UTC
    )
    params = {
        "tenant": tenant.pk,
        "today": today,
        "quarter_ago": today - datetime.timedelta(days=90),
        "year_ago": today - datetime.timedelta(days=365),
        "week_ago": today - datetime.timedelta(days=7),
        "two_years_ago": today.replace(year=today.year - 2),
        "day_after": day_after,
        "half_year_ago": day_after - datetime.timedelta(days=180),
        "quarter_start": quarter_start,
        "half_start": _add_months(quarter_start, -6),
        "year_start": _add_months(quarter_start, -12),
    }
    with connection.cursor() as cursor:
        cursor.execute(RAW_FACTS, params)
        return len(cursor.fetchall())


def _peak_kib() -> int:
    """This process's peak resident memory (VmHWM): unlike `ru_maxrss`, which a child keeps
    from its parent across fork and exec, it starts afresh with the program."""
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1])


def peak_memory(slug: str) -> None:
    """In a fresh process (`--memory SLUG`): run the tenant's health run and print the peak
    resident memory before and after it, in KiB."""
    import django

    django.setup()
    from accounts import recalculation
    from accounts.models import KeyAccount
    from kamapp.models import Tenant
    from kamapp.rls import tenant_context

    tenant = Tenant.objects.get(slug=slug)
    with tenant_context(tenant.pk):
        first = KeyAccount.objects.for_tenant(tenant).values_list("pk", flat=True)[:1]
        recalculation.recalculate(tenant, account_ids=list(first))  # imports, connection
        before = _peak_kib()
        scored = recalculation.recalculate(tenant)
    print(f"memory {scored} {before} {_peak_kib()}")


def measure_memory(slug: str) -> tuple[int, float]:
    """(accounts scored, MiB the run added to the process's peak) from a subprocess."""
    import subprocess

    out = subprocess.run(
        [sys.executable, __file__, "--memory", slug],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    ).stdout
    _, scored, before, after = out.strip().splitlines()[-1].split()
    return int(scored), (int(after) - int(before)) / 1024


def build(accounts: int, tenants: int, slug: str = "bench") -> list:
    from django.db import connection

    from kamapp.models import Membership, Tenant, User

    made = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.rls_bypass', 'on', false)")
    user = User.objects.get_or_create(email="bench@example.test", full_name="Bench KAM")[0]
    for t in range(tenants):
        tenant = Tenant.objects.create(slug=f"{slug}-{t}", name=f"{slug.title()} {t}")
        owner = Membership.objects.create(tenant=tenant, user=user, role="kam")
        with connection.cursor() as cursor:
            cursor.execute(
                GENERATE, {"tenant": tenant.pk, "owner": owner.pk, "n": accounts // tenants}
            )
        made.append(tenant)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(
            "SELECT sum(n_live_tup) FROM pg_stat_user_tables WHERE relname LIKE 'accounts_%%'"
        )
        rows = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('app.rls_bypass', '', false)")
    print(f"built {accounts} accounts in {tenants} tenants, {rows:,} rows")
    return made


def naive_inputs(account, today):
    """The loop one writes first: each account's related rows through the ORM, one by one."""
    from accounts import metrics
    from accounts.health import Inputs

    plan = account.plan
    item = Inputs(
        account_id=account.pk,
        tier=account.tier,
        owner_id=account.owner_id,
        renewal_date=account.renewal_date,
        review_days=90,
        last_reviewed=plan.last_reviewed_at.date() if plan.last_reviewed_at else None,
        next_review_due=plan.next_review_due,
        revisions_recent=plan.revisions.filter(
            created_at__date__gte=today - datetime.timedelta(days=180)
        ).count(),
    )
    for objective in account.objectives.filter(status="active"):
        for kpi in objective.kpis.all():
            values = [m for m in kpi.measurements.all() if m.date <= today]
            if values:
                latest = max(values, key=lambda m: (m.date, m.id))
                value = metrics.attainment(kpi.baseline, kpi.target, latest.value)
                if value is not None:
                    item.attainment.setdefault(objective.pk, []).append(value)
    since = today - datetime.timedelta(days=90)
    for interaction in account.interactions.all():
        item.interactions += 1
        if interaction.meaningful:
            if item.last_meaningful is None or interaction.date > item.last_meaningful:
                item.last_meaningful = interaction.date
            item.meaningful_90 += interaction.date >= since
        if interaction.date >= since:
            for contact in interaction.contacts.all():
                item.roles_engaged.add(contact.buying_role)
    for action in account.actions.exclude(status="cancelled"):
        item.actions += 1
        item.done += action.status == "done"
        item.overdue += metrics.is_overdue(action.due_date, action.status, today)
    item.nps = [f.nps for f in account.feedback.order_by("-date") if f.nps is not None]
    return item


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--tenants", type=int, default=4)
    parser.add_argument("--sample", type=int, default=1_000)
    parser.add_argument("--memory-accounts", type=int, nargs=2, default=[5_000, 80_000])
    parser.add_argument("--memory", help=argparse.SUPPRESS)  # the subprocess of measure_memory
    args = parser.parse_args()
    # As the health run runs in production (a Celery worker without DEBUG): the debug query
    # log keeps the last 9,000 statements, each batch's JSON documents included, which grew
    # the measured peak memory with the number of batches (report-15b: +252 MiB at 80,000).
    # Set before Django starts, so the memory subprocess inherits it.
    os.environ["DEBUG"] = "false"
    if args.memory:
        return peak_memory(args.memory)
    devservices.up()
    use_bench_database()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts import health, recalculation
    from accounts.models import KeyAccount
    from kamapp.rls import tenant_context

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    tenants = build(args.accounts, args.tenants)
    print(f"generated in {time.perf_counter() - started:.1f} s")

    def run_all(phases: dict[str, float] | None = None) -> tuple[int, float, list[int]]:
        scored, seconds, queries = 0, 0.0, []
        for tenant in tenants:
            executed = []  # counted, not logged: the debug log would copy each statement

            def count(execute, sql, params, many, context, executed=executed):
                executed.append(sql)
                return execute(sql, params, many, context)

            timing = nullcontext() if phases is None else timed_phases(phases)
            with connection.execute_wrapper(count), timing:
                started = time.perf_counter()
                with tenant_context(tenant.pk):
                    scored += recalculation.recalculate(tenant)
                seconds += time.perf_counter() - started
            queries.append(len(executed))
        return scored, seconds, queries

    scored, seconds, _ = run_all()
    print(
        f"first run (opens every alert): {scored} accounts in {seconds:.2f} s, "
        f"{scored / seconds:.0f} accounts/s"
    )
    phases = {}
    scored, seconds, queries = run_all(phases)
    set_based = scored / seconds
    print(f"hourly run (set-based): {scored} accounts in {seconds:.2f} s")
    other = seconds - sum(phases.values())
    steps = [f"{phase} {phases[phase]:.2f} s" for phase in PHASES if phase in phases]
    print("  " + ", ".join(steps) + f", other {other:.2f} s")

    tenant, today = tenants[0], datetime.date.today()
    with tenant_context(tenant.pk):
        sample = list(KeyAccount.objects.for_tenant(tenant).order_by("pk")[: args.sample])
        model = health.model_for(tenant)
        started = time.perf_counter()
        for account in sample:
            health.score(naive_inputs(account, today), model)
        naive_seconds = time.perf_counter() - started
    naive = len(sample) / naive_seconds
    print(
        f"naive ORM loop: {len(sample)} accounts in {naive_seconds:.2f} s "
        f"(extrapolated to {scored}: {scored / naive:.0f} s)"
    )

    raw_seconds = 0.0
    for tenant in tenants:
        started = time.perf_counter()
        with tenant_context(tenant.pk):
            raw_facts(tenant, today)
        raw_seconds += time.perf_counter() - started
    print(
        f"one hand-written SQL query for the same facts: {raw_seconds:.2f} s; the hourly run "
        f"(facts, scores, snapshots, alerts) {seconds:.2f} s, ×{seconds / raw_seconds:.2f}"
    )

    memory = {}
    for n in args.memory_accounts:
        build(n, 1, slug=f"memory-{n}")
        memory[n] = measure_memory(f"memory-{n}-0")[1]
        print(f"health run over {n} accounts: peak memory +{memory[n]:.0f} MiB")
    small, large = args.memory_accounts
    print(
        f"health-bench: set-based {set_based:.0f} accounts/s, naive {naive:.0f} accounts/s, "
        f"ratio {set_based / naive:.0f}x, queries/tenant {max(queries)}"
    )
    print(
        f"health-bench: run_s={seconds:.2f} raw_sql_s={raw_seconds:.2f} "
        f"ratio={seconds / raw_seconds:.2f}"
    )
    print(
        f"health-bench: peak_mib_{small}={memory[small]:.0f} peak_mib_{large}={memory[large]:.0f} "
        f"ratio={memory[large] / max(memory[small], 1):.2f}"
    )


if __name__ == "__main__":
    main()
