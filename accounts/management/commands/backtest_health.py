import datetime

from django.core.management.base import BaseCommand, CommandError

from accounts.backtest import backtest, store
from accounts.models import KeyAccount
from kamapp.models import Tenant
from kamapp.rls import tenant_context


class Command(BaseCommand):
    help = (
        "Score every account as of each week since DATE and report, per alert rule, how often "
        "its alert came before a real downgrade within 90 days."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="the tenant's slug")
        parser.add_argument("--since", required=True, type=datetime.date.fromisoformat,
                            help="first week, YYYY-MM-DD")  # fmt: skip

    def handle(self, *args, tenant: str, since: datetime.date, **options):
        found = Tenant.objects.filter(slug=tenant).first()
        if found is None:
            raise CommandError(f"No tenant with slug {tenant!r}.")
        with tenant_context(found.pk):
            result = backtest(found, since)
            store(found, result)
            archived = KeyAccount.objects.for_tenant(found).filter(status="archived").count()
        self.stdout.write(
            f"{found.slug}: {result['accounts']} accounts, {result['weeks']} weeks "
            f"{result['since']} … {result['until']}"
        )
        self.stdout.write(f"{'rule':<26}{'opened':>8}{'followed':>10}{'nothing':>9}"
                          f"{'pending':>9}{'precision':>11}")  # fmt: skip
        for rule, r in sorted(result["rules"].items()):
            precision = "—" if r["precision"] is None else f"{r['precision']:.0%}"
            self.stdout.write(
                f"{rule:<26}{r['opened']:>8}{r['followed']:>10}{r['nothing']:>9}"
                f"{r['pending']:>9}{precision:>11}"
            )
        if archived:
            self.stdout.write(f"({archived} archived accounts are left out.)")
