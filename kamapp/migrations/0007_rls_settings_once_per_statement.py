"""The isolation policies read their settings once per statement (see `kamapp.rls`): the
policies made before are altered in place; the same rule, cheaper to evaluate."""

from django.db import migrations

from kamapp.rls import CURRENT_USER, POLICY, RULE

ALTER = f"""
DO $do$
DECLARE
    found record;
    rule text := $rule${RULE}$rule$;
BEGIN
    FOR found IN
        SELECT c.relname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
        WHERE p.polname = '{POLICY}' AND c.relnamespace = current_schema()::regnamespace
    LOOP
        EXECUTE format('ALTER POLICY {POLICY} ON %I USING %s WITH CHECK %s',
            found.relname, rule, rule);
    END LOOP;
END
$do$;
ALTER POLICY membership_self ON kamapp_membership USING (user_id = {CURRENT_USER});
"""


class Migration(migrations.Migration):
    dependencies = [("kamapp", "0006_notifications")]

    operations = [migrations.RunSQL(ALTER, migrations.RunSQL.noop)]
