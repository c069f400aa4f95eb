"""System check `kamapp.E001`: every tenant table is behind the isolation policy (see
`kamapp.rls`). Registered by `KamappConfig.ready`; `manage.py check` runs it."""

from django.apps import apps
from django.core import checks
from django.db import connection
from django.db.utils import DatabaseError

from kamapp.models import TenantModel
from kamapp.rls import POLICY


def tenant_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, TenantModel) and model._meta.managed
    )


def tables_missing_rls() -> list[str]:
    """Existing tenant tables that lack forced RLS or the isolation policy."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relkind = 'r' AND c.relname = ANY(%s)"
            " AND c.relnamespace = 'public'::regnamespace"
            " AND NOT (c.relrowsecurity AND c.relforcerowsecurity AND EXISTS ("
            "   SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = %s))"
            " ORDER BY 1",
            [tenant_tables(), POLICY],
        )
        return [row[0] for row in cursor.fetchall()]


def check_rls(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """Every tenant table must be behind the isolation policy (see kamapp.rls)."""
    if not databases:
        return []
    try:
        missing = tables_missing_rls()
    except DatabaseError:
        return []  # not migrated yet
    return [
        checks.Error(
            f"Tenant table {table} has no forced row-level security policy.",
            hint="Add kamapp.rls.EnableRLS(<table>) to the migration that creates it.",
            id="kamapp.E001",
        )
        for table in missing
    ]
