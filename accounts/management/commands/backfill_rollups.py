from django.core.management.base import BaseCommand, CommandError

from accounts import rollups
from kamapp.models import Tenant
from kamapp.rls import tenant_context


class Command(BaseCommand):
    help = "Rebuild the per-KAM daily rollup from the health snapshots kept (all tenants, or one)."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="the tenant's slug")

    def handle(self, *args, tenant: str | None = None, **options):
        tenants = Tenant.objects.order_by("slug")
        if tenant:
            tenants = tenants.filter(slug=tenant)
            if not tenants.exists():
                raise CommandError(f"No tenant with slug {tenant!r}.")
        for each in tenants:
            with tenant_context(each.pk):
                count = rollups.backfill(each)
            self.stdout.write(f"{each.slug}: {count} rollup rows")
