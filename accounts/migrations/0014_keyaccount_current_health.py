from django.db import migrations, models

# Each account takes its latest snapshot's verdict; from now on the health run writes both.
BACKFILL = """
    SELECT set_config('app.rls_bypass', 'on', true);
    UPDATE accounts_keyaccount k
    SET health_score = s.score, health_band = s.band, scored_at = s.computed_at,
        health_urgency = CASE s.band WHEN 'at_risk' THEN 0 WHEN 'watch' THEN 1 ELSE 2 END
    FROM (
        SELECT DISTINCT ON (account_id) account_id, score, band, computed_at
        FROM accounts_healthsnapshot
        ORDER BY account_id, computed_at DESC, id DESC
    ) s
    WHERE k.id = s.account_id;
    SELECT set_config('app.rls_bypass', '', true);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0013_search_indexes"),
        ("kamapp", "0005_throttle_public_link"),
    ]

    operations = [
        migrations.AddField(
            model_name="keyaccount",
            name="health_band",
            field=models.CharField(
                blank=True, db_default="", default="", editable=False, max_length=10
            ),
        ),
        migrations.AddField(
            model_name="keyaccount",
            name="health_score",
            field=models.PositiveSmallIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="keyaccount",
            name="health_urgency",
            field=models.PositiveSmallIntegerField(db_default=2, default=2, editable=False),
        ),
        migrations.AddField(
            model_name="keyaccount",
            name="scored_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="keyaccount",
            index=models.Index(
                condition=models.Q(("status", "archived"), _negated=True),
                fields=["tenant", "health_urgency", "renewal_date"],
                name="keyaccount_urgency",
            ),
        ),
    ]
