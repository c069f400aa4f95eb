from django.db import migrations

# Every account takes its current cell from its assessments (`rpm.models.PLACE` for all
# tenants at once); from now on each assessment saved writes it.
BACKFILL = """
    SELECT set_config('app.rls_bypass', 'on', true);
    UPDATE accounts_keyaccount k
    SET rpm_stage = h.stage, rpm_maturity = h.maturity, rpm_assessed_on = h.assessed_on,
        rpm_suggested = h.suggested_maturity,
        rpm_trend = CASE
            WHEN h.stage < h.stage1 OR h.maturity < h.maturity1 THEN 'down'
            WHEN (h.stage, h.maturity) = (h.stage1, h.maturity1)
                AND (h.stage, h.maturity) = (h.stage2, h.maturity2) THEN 'still'
            ELSE '' END
    FROM (
        SELECT account_id, stage, maturity, assessed_on, suggested_maturity,
            row_number() OVER w AS n,
            lead(stage) OVER w AS stage1, lead(maturity) OVER w AS maturity1,
            lead(stage, 2) OVER w AS stage2, lead(maturity, 2) OVER w AS maturity2
        FROM rpm_assessment
        WINDOW w AS (PARTITION BY account_id ORDER BY assessed_on DESC, id DESC)
    ) h
    WHERE k.id = h.account_id AND h.n = 1;
    SELECT set_config('app.rls_bypass', '', true);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0016_keyaccount_rpm_cell"),
        ("rpm", "0001_initial"),
    ]

    operations = [migrations.RunSQL(BACKFILL, migrations.RunSQL.noop)]
