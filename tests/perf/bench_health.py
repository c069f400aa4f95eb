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
import os
import sys
import time
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
  created_at)
SELECT %(tenant)s, acc.id, current_date - i * 17 - (acc.n %% 9)::int, 'meeting', 'Met',
  i %% 3 = 0, now()
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


def build(accounts: int, tenants: int) -> list:
    from django.db import connection

    from kamapp.models import Membership, Tenant, User

    made = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.rls_bypass', 'on', false)")
    user = User.objects.create_user("bench@example.test", "x", full_name="Bench KAM")
    for t in range(tenants):
        tenant = Tenant.objects.create(slug=f"bench-{t}", name=f"Bench {t}")
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
    args = parser.parse_args()
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

    def run_all() -> tuple[int, float, list[int]]:
        scored, seconds, queries = 0, 0.0, []
        for tenant in tenants:
            executed = []  # counted, not logged: the debug log would copy each statement

            def count(execute, sql, params, many, context, executed=executed):
                executed.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
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
    scored, seconds, queries = run_all()
    set_based = scored / seconds
    print(f"hourly run (set-based): {scored} accounts in {seconds:.2f} s")

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
    print(
        f"health-bench: set-based {set_based:.0f} accounts/s, naive {naive:.0f} accounts/s, "
        f"ratio {set_based / naive:.0f}x, queries/tenant {max(queries)}"
    )


if __name__ == "__main__":
    main()
