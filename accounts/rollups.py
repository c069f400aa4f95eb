"""The per-KAM, per-day rollup (`KamDay`) the dashboards read: one set-based statement turns a
day's health snapshots (and the financials, renewals and alerts around them) into one row per
owner and tier, so a dashboard's work does not grow with the number of accounts.

The health run calls `write(tenant)` for today; `backfill(tenant, days)` rebuilds past days from
the snapshots kept (one a day), for the migration and the demo seed.
"""

import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import HealthSnapshot, KamDay

COUNTS = [
    "accounts",
    "contract_value",
    "scored",
    "health_sum",
    "healthy",
    "watch",
    "at_risk",
    "high_alerts",
    "meaningful_90",
    "plans_on_cadence",
    "actions_done",
    "actions_on_time",
    "kpi_accounts",
    "kpi_attainment",
    "key_roles",
    "process_count",
    "process_sum",
    "nps_count",
    "nps_sum",
    "revenue",
    "revenue_before",
    "margin",
    "margin_before",
    "renewing_healthy",
    "renewing_watch",
    "renewing_at_risk",
    "renewing_unscored",
]

# Per day: each active account's last snapshot of the day (one probe of the (tenant, account,
# computed_at) index each, however many snapshots the day holds), its facts read from the stored
# components, its quarter's money from the financial periods (the last complete quarter and the
# one before), and its live high alerts on that day; then summed per owner and tier. `snap` is
# MATERIALIZED so that each document is cast to jsonb once, not once per fact read from it.
ROLLUP = """
WITH days AS (
    SELECT d::date AS day FROM unnest(%(days)s::date[]) AS d
),
snap AS MATERIALIZED (
    SELECT days.day, s.account_id, s.score, s.band, s.process_conformance,
        s.components::jsonb AS c
    FROM days
    -- in account order: floats summed in a fixed order give the same rollup every time
    CROSS JOIN LATERAL (
        SELECT id FROM accounts_keyaccount
        WHERE tenant_id = %(tenant)s AND status <> 'archived'
        ORDER BY id
    ) a
    JOIN LATERAL (
        SELECT s.account_id, s.score, s.band, s.process_conformance, s.components
        FROM accounts_healthsnapshot s
        WHERE s.tenant_id = %(tenant)s AND s.account_id = a.id
          AND s.computed_at >= days.day::timestamp AT TIME ZONE %(tz)s
          AND s.computed_at < (days.day + 1)::timestamp AT TIME ZONE %(tz)s
        ORDER BY s.computed_at DESC, s.id DESC
        LIMIT 1
    ) s ON true
),
quarters AS (
    SELECT day,
        (date_trunc('quarter', day) - interval '3 months')::date AS q1,
        date_trunc('quarter', day)::date AS q2
    FROM days
),
money AS (
    SELECT q.day, f.account_id,
        sum(f.revenue) FILTER (WHERE f.period_start >= q.q1) AS revenue,
        sum(f.revenue - f.cost - f.discounts - f.absorbed_costs)
            FILTER (WHERE f.period_start >= q.q1) AS margin,
        sum(f.revenue) FILTER (WHERE f.period_start < q.q1) AS revenue_before,
        sum(f.revenue - f.cost - f.discounts - f.absorbed_costs)
            FILTER (WHERE f.period_start < q.q1) AS margin_before
    FROM quarters q
    JOIN accounts_financialperiod f
      ON f.tenant_id = %(tenant)s
     AND f.period_start >= (q.q1 - interval '3 months') AND f.period_start < q.q2
    GROUP BY q.day, f.account_id
),
alerts AS (
    SELECT days.day, r.account_id, count(*) AS n
    FROM days
    JOIN accounts_riskalert r
      ON r.tenant_id = %(tenant)s AND r.severity = 'high'
     AND r.opened_at < (days.day + 1)::timestamp AT TIME ZONE %(tz)s
     AND (r.status IN ('open', 'acknowledged', 'snoozed')
          OR r.resolved_at >= (days.day + 1)::timestamp AT TIME ZONE %(tz)s)
    GROUP BY days.day, r.account_id
),
facts AS (
    SELECT snap.day, a.owner_id, a.tier, a.contract_value, snap.score, snap.band,
        snap.process_conformance AS process,
        (snap.c #>> '{plan_vitality,facts,days}')::int AS plan_days,
        (snap.c #>> '{plan_vitality,facts,cadence}')::int AS plan_cadence,
        coalesce((snap.c #>> '{engagement,facts,meaningful_90}')::int, 0) AS meaningful_90,
        coalesce((snap.c #>> '{execution,facts,done}')::int, 0) AS done,
        coalesce((snap.c #>> '{execution,facts,on_time}')::int, 0) AS on_time,
        (snap.c #>> '{customer_results,facts,attainment}')::float AS attainment,
        coalesce(jsonb_array_length(snap.c #> '{engagement,facts,roles}'), 0) AS roles,
        CASE WHEN snap.c #>> '{sentiment,facts,voice}' = 'customer'
             THEN (snap.c #>> '{sentiment,facts,nps}')::int END AS nps,
        CASE WHEN a.renewal_date >= snap.day AND a.renewal_date < snap.day + 180
             THEN a.contract_value ELSE 0 END AS renewing,
        m.revenue, m.margin, m.revenue_before, m.margin_before,
        coalesce(al.n, 0) AS high_alerts
    FROM snap
    JOIN accounts_keyaccount a ON a.id = snap.account_id
    LEFT JOIN money m ON m.day = snap.day AND m.account_id = snap.account_id
    LEFT JOIN alerts al ON al.day = snap.day AND al.account_id = snap.account_id
)
INSERT INTO accounts_kamday (tenant_id, membership_id, tier, day, COLUMNS)
SELECT %(tenant)s, owner_id, tier, day,
    count(*), sum(contract_value),
    count(score), coalesce(sum(score), 0),
    count(*) FILTER (WHERE band = 'healthy'),
    count(*) FILTER (WHERE band = 'watch'),
    count(*) FILTER (WHERE band = 'at_risk'),
    sum(high_alerts), sum(meaningful_90),
    count(*) FILTER (WHERE plan_days IS NOT NULL AND plan_days <= plan_cadence),
    sum(done), sum(on_time),
    count(attainment), coalesce(sum(attainment), 0),
    sum(roles),
    count(process), coalesce(sum(process), 0),
    count(nps), coalesce(sum(nps), 0),
    coalesce(sum(revenue), 0), coalesce(sum(revenue_before), 0),
    coalesce(sum(margin), 0), coalesce(sum(margin_before), 0),
    coalesce(sum(renewing) FILTER (WHERE band = 'healthy'), 0),
    coalesce(sum(renewing) FILTER (WHERE band = 'watch'), 0),
    coalesce(sum(renewing) FILTER (WHERE band = 'at_risk'), 0),
    coalesce(sum(renewing) FILTER (WHERE band = ''), 0)
FROM facts
GROUP BY owner_id, tier, day
""".replace("COLUMNS", ", ".join(COUNTS))


def write(tenant, days: list[datetime.date] | None = None) -> int:
    """Rebuild the tenant's rollup rows for `days` (default: today) from that day's snapshots.
    Returns the number of rows written."""
    days = days or [timezone.localdate()]
    params = {"tenant": tenant.pk, "days": days, "tz": settings.TIME_ZONE}
    KamDay.objects.filter(tenant=tenant, day__in=days).delete()
    with connection.cursor() as cursor:
        cursor.execute(ROLLUP, params)
        return cursor.rowcount


def backfill(tenant) -> int:
    """Every day from the oldest snapshot kept to today (the migration, the demo seed)."""
    first = HealthSnapshot.objects.for_tenant(tenant).order_by("computed_at").first()
    if first is None:
        return 0
    since, today = timezone.localdate(first.computed_at), timezone.localdate()
    return write(tenant, [since + datetime.timedelta(n) for n in range((today - since).days + 1)])
