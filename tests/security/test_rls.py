"""The third wall: Postgres row-level security, checked with raw SQL that forgets the filter."""

import pytest
from django.db import DatabaseError, connection, transaction

from kamapp.audit import rls_bypass
from kamapp.checks import tables_missing_rls, tenant_tables
from kamapp.models import Membership
from kamapp.rls import tenant_context


def _raw_tenant_ids(table: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT tenant_id FROM "{table}"')  # no WHERE, on purpose
        return {row[0] for row in cursor.fetchall()}


def _as_app(sql: str, params=()):
    """Run as the app does: bypass off (test code has it on)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.rls_bypass', '', true)")
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def test_the_app_role_cannot_bypass_rls(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False)


def test_every_tenant_table_has_forced_rls(db):
    assert "kamapp_membership" in tenant_tables()
    assert tables_missing_rls() == []


def test_the_check_reports_a_tenant_table_without_rls(db):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute('ALTER TABLE "kamapp_invitation" NO FORCE ROW LEVEL SECURITY')
        assert tables_missing_rls() == ["kamapp_invitation"]
        transaction.set_rollback(True)


@pytest.mark.parametrize("table", ["kamapp_membership", "kamapp_invitation", "kamapp_auditevent"])
def test_raw_select_sees_only_the_current_tenant(table, org_a, org_b):
    from kamapp.audit import record

    record(org_a.tenant, None, "test", org_a.admin)
    record(org_b.tenant, None, "test", org_b.admin)
    with tenant_context(org_a.tenant.pk):
        assert _raw_tenant_ids(table) == {org_a.tenant.pk}
    with tenant_context(org_b.tenant.pk):
        assert _raw_tenant_ids(table) == {org_b.tenant.pk}


def test_no_tenant_set_sees_nothing(org_a, org_b):
    with tenant_context(None):
        assert _raw_tenant_ids("kamapp_membership") == set()
        assert Membership.objects.count() == 0


def test_insert_of_another_tenants_row_fails(org_a, org_b):
    with (
        tenant_context(org_a.tenant.pk),
        pytest.raises(DatabaseError, match="row-level security"),
        transaction.atomic(),
    ):
        Membership.objects.create(tenant=org_b.tenant, user=org_a.kam.user, role="kam")


def test_update_cannot_reach_another_tenant(org_a, org_b):
    with tenant_context(org_a.tenant.pk):
        changed = _as_app(
            "UPDATE kamapp_membership SET title = 'x' WHERE tenant_id = %s RETURNING id",
            [org_b.tenant.pk],
        )
    assert changed == []


def test_a_user_reads_own_memberships_across_tenants(org_a, org_b):
    shared = org_b.add("leader", email=org_a.kam.user.email)
    with tenant_context(None, user_id=org_a.kam.user.pk):
        assert set(Membership.objects.values_list("pk", flat=True)) == {org_a.kam.pk, shared.pk}


def test_bypass_is_audited(org_a, org_b):
    from kamapp.models import AuditEvent

    with tenant_context(org_a.tenant.pk), rls_bypass("maintenance test"):
        assert _raw_tenant_ids("kamapp_membership") == {org_a.tenant.pk, org_b.tenant.pk}
        event = AuditEvent.objects.get(verb="rls.bypass")
    assert event.tenant is None
    assert event.changes == {"reason": "maintenance test"}
