import time

from django.core.management.base import BaseCommand, CommandError

from accounts import rollups
from accounts.recalculation import recalculate
from kamapp.models import Tenant
from kamapp.rls import tenant_context


class Command(BaseCommand):
    help = "Recalculate account health and evaluate risk alerts (all tenants, or one)."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="the tenant's slug")
        parser.add_argument(
            "--backfill-rollups",
            action="store_true",
            help="instead of a run, rebuild the dashboards' per-KAM daily rollup from the "
            "snapshots kept",
        )

    def handle(self, *args, tenant: str | None = None, backfill_rollups=False, **options):
        tenants = Tenant.objects.order_by("slug")
        if tenant:
            tenants = tenants.filter(slug=tenant)
            if not tenants.exists():
                raise CommandError(f"No tenant with slug {tenant!r}.")
        for each in tenants:
            if backfill_rollups:
                with tenant_context(each.pk):
                    self.stdout.write(f"{each.slug}: {rollups.backfill(each)} rollup rows")
                continue
            started = time.perf_counter()
            with tenant_context(each.pk):
                count = recalculate(each)
            seconds = time.perf_counter() - started
            self.stdout.write(f"{each.slug}: {count} accounts scored in {seconds:.2f} s")
