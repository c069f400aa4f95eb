from django.apps import AppConfig
from django.core import checks


class KamappConfig(AppConfig):
    name = "kamapp"
    verbose_name = "kamapp core"

    def ready(self) -> None:
        checks.register(check_rls, checks.Tags.database)


def check_rls(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """Every tenant table must be behind the isolation policy (see kamapp.rls)."""
    if not databases:
        return []
    from django.db.utils import DatabaseError

    from kamapp.rls import tables_missing_rls

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
