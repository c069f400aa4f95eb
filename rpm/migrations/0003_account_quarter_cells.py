from django.db import migrations

# Every assessed account takes the cell before the quarter of its latest assessment (what
# `rpm.models.PLACE` now writes with each assessment saved).
BACKFILL = """
    SELECT set_config('app.rls_bypass', 'on', true);
    UPDATE accounts_keyaccount k
    SET rpm_quarter_stage = q.stage, rpm_quarter_maturity = q.maturity
    FROM accounts_keyaccount a JOIN LATERAL (
        SELECT stage, maturity FROM rpm_assessment
        WHERE tenant_id = a.tenant_id AND account_id = a.id
            AND assessed_on < date_trunc('quarter', a.rpm_assessed_on)
        ORDER BY assessed_on DESC, id DESC
        LIMIT 1
    ) q ON true
    WHERE k.id = a.id AND a.rpm_assessed_on IS NOT NULL;
    SELECT set_config('app.rls_bypass', '', true);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0022_keyaccount_rpm_matrix_indexes"),
        ("rpm", "0002_account_cells"),
    ]

    operations = [migrations.RunSQL(BACKFILL, migrations.RunSQL.noop)]
