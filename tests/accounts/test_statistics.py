"""A bulk import followed at once by the health run: the run refreshes the statistics of the
tables that grew, so its big queries are not planned for the tables as they were."""

import pytest
from django.db import connection

from accounts import recalculation
from kamapp.rls import tenant_context
from tests.accounts.conftest import bulk_accounts


def _analysed(table: str) -> int:
    """How many times `table` was analysed by hand (autovacuum's runs are counted apart)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = %s", [table])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_health_run_analyses_the_tables_a_bulk_import_grew(org_a):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_keyaccount")
    bulk_accounts(org_a, 1500)
    with connection.cursor() as cursor:  # this session's row counts reach the statistics now
        cursor.execute("SELECT pg_stat_force_next_flush()")
    before = _analysed("accounts_keyaccount")
    with tenant_context(org_a.tenant.pk):
        recalculation.recalculate(org_a.tenant)
    after = _analysed("accounts_keyaccount")
    assert after == before + 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
    with tenant_context(org_a.tenant.pk):
        recalculation.recalculate(org_a.tenant)
    assert _analysed("accounts_keyaccount") == after  # nothing new: no second ANALYZE
