"""Postgres row-level security: the third tenancy wall.

Every tenant table carries the policy `tenant_isolation`: a row is visible and writable only
when its `tenant_id` equals the transaction-local setting `app.tenant_id`. `tenant_context`
sets it (requests via `TenantMiddleware`, Celery tasks explicitly); `kamapp.audit.rls_bypass`
is the narrow, audited way for cross-tenant maintenance. This module sits below the models
(`SignedLink` uses `tenant_context`), so it imports none; the system check that every tenant
table has its policy is in `kamapp.checks`.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, migrations, transaction

# Each setting read in a scalar subquery: Postgres then reads it once per statement (an
# InitPlan) instead of once per row it filters, which took a third of a 20,000-row scan.
CURRENT_TENANT = "(SELECT NULLIF(current_setting('app.tenant_id', true), '')::bigint)"
CURRENT_USER = "(SELECT NULLIF(current_setting('app.user_id', true), '')::bigint)"
BYPASS = "(SELECT current_setting('app.rls_bypass', true) = 'on')"
POLICY = "tenant_isolation"
RULE = f"(tenant_id = {CURRENT_TENANT} OR {BYPASS})"


def policy_sql(table: str) -> str:
    return (
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY;'
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY;'
        f'DROP POLICY IF EXISTS {POLICY} ON "{table}";'
        f'CREATE POLICY {POLICY} ON "{table}" USING {RULE} WITH CHECK {RULE};'
    )


class EnableRLS(migrations.RunSQL):
    """Migration operation: put a tenant table behind the tenant isolation policy."""

    def __init__(self, table: str, extra_sql: str = ""):
        self.table = table
        self.extra_sql = extra_sql
        super().__init__(
            sql=policy_sql(table) + extra_sql,
            reverse_sql=(
                f'DROP POLICY IF EXISTS {POLICY} ON "{table}";'
                f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY;'
                f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY;'
            ),
        )

    def describe(self) -> str:
        return f"Enable row-level security on {self.table}"

    def deconstruct(self):
        return self.__class__.__name__, [self.table], {"extra_sql": self.extra_sql}


def _settings() -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('app.tenant_id', true), current_setting('app.user_id', true),"
            " current_setting('app.rls_bypass', true)"
        )
        return tuple(value or "" for value in cursor.fetchone())


def _set(tenant_id: str, user_id: str, bypass: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('app.tenant_id', %s, true), set_config('app.user_id', %s, true),"
            " set_config('app.rls_bypass', %s, true)",
            [tenant_id, user_id, bypass],
        )


@contextmanager
def _settings_scope(tenant_id: str, user_id: str, bypass: str) -> Iterator[None]:
    """Set the RLS settings for the block, transaction-locally, and put back what was there.

    At the outermost level the transaction ends with the block, which clears them; nested,
    the previous values are restored on success, and on error the savepoint rollback does it.
    """
    nested = connection.in_atomic_block
    with transaction.atomic():
        previous = _settings() if nested else None
        _set(tenant_id, user_id, bypass)
        yield
        if previous is not None:
            _set(*previous)


@contextmanager
def tenant_context(tenant_id: int | None, user_id: int | None = None) -> Iterator[None]:
    """Run the block in a transaction that sees only this tenant's rows.

    `user_id` also lets the user's own memberships in other tenants be read (tenant switcher).
    """
    with _settings_scope(str(tenant_id or ""), str(user_id or ""), ""):
        yield


@contextmanager
def bypass_scope() -> Iterator[None]:
    """See every tenant's rows. Call `kamapp.audit.rls_bypass`, which records why, instead."""
    with _settings_scope("", "", "on"):
        yield
