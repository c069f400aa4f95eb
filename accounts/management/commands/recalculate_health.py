import time

from django.core.management.base import BaseCommand, CommandError

from accounts.recalculation import recalculate
from kamapp.models import Tenant
from kamapp.rls import tenant_context


class Command(BaseCommand):
    help = "Recalculate account health and evaluate risk alerts (all tenants, or one)."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="the tenant's slug")

    def handle(self, *args, tenant: str | None = None, **options):
        tenants = Tenant.objects.order_by("slug")
        if tenant:
            tenants = tenants.filter(slug=tenant)
            if not tenants.exists():
                raise CommandError(f"No tenant with slug {tenant!r}.")
        for each in tenants:
            started = time.perf_counter()
            with tenant_context(each.pk):
                count = recalculate(each)
            seconds = time.perf_counter() - started
            self.stdout.write(f"{each.slug}: {count} accounts scored in {seconds:.2f} s")
