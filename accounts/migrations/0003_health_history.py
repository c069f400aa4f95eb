import django.contrib.postgres.fields
from django.db import migrations, models

import kamapp.fields

# Each account's latest snapshot learns the best score of each of its last 30 days from the
# history, so the first run after this migration sees the same 30-day best as before.
BACKFILL = """
    SELECT set_config('app.rls_bypass', 'on', true);
    UPDATE accounts_healthsnapshot s SET daily_best = ARRAY(
        SELECT (
            SELECT max(h.score) FROM accounts_healthsnapshot h
            WHERE h.account_id = s.account_id AND h.computed_at <= s.computed_at
              AND (h.computed_at AT TIME ZONE 'UTC')::date
                  = (s.computed_at AT TIME ZONE 'UTC')::date - k
        )
        FROM generate_series(0, 29) k ORDER BY k
    )
    WHERE s.id IN (
        SELECT DISTINCT ON (account_id) id FROM accounts_healthsnapshot
        ORDER BY account_id, computed_at DESC, id DESC
    );
    SELECT set_config('app.rls_bypass', '', true);
"""


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_health_and_alerts")]

    operations = [
        migrations.RemoveIndex(model_name="healthsnapshot", name="accounts_he_tenant__2f1583_idx"),
        migrations.RemoveIndex(model_name="kpimeasurement", name="accounts_kp_tenant__6cb14f_idx"),
        migrations.AddIndex(
            model_name="healthsnapshot",
            index=models.Index(
                fields=["tenant", "account", "-computed_at", "-id"],
                name="accounts_he_tenant__56fe6a_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="kpimeasurement",
            index=models.Index(
                fields=["tenant", "kpi", "-date", "-id"], name="accounts_kp_tenant__b8727a_idx"
            ),
        ),
        migrations.AddField(
            model_name="healthsnapshot",
            name="daily_best",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.PositiveSmallIntegerField(null=True), default=list
            ),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="healthsnapshot",
            name="components",
            field=kamapp.fields.PlainJSONField(default=dict),
        ),
    ]
