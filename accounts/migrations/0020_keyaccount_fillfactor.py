from django.db import migrations


class Migration(migrations.Migration):
    """Room on each page of accounts_keyaccount for the health run's hourly rewrite of every
    account's current health: with it the new row version stays on its page and, when the
    indexed columns are unchanged, no index is touched (a HOT update); without it, each run
    writes a new entry in every index of the table, the name search's GIN index included.
    Pages written from now on keep the room; `VACUUM FULL accounts_keyaccount` gives it to
    the existing ones at once."""

    dependencies = [("accounts", "0019_action_open_due")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE accounts_keyaccount SET (fillfactor = 80)",
            "ALTER TABLE accounts_keyaccount RESET (fillfactor)",
        ),
    ]
