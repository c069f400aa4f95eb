from django.core.management.base import BaseCommand

from kamapp import demo
from kamapp.models import Tenant


class Command(BaseCommand):
    help = "Create the demo tenants and users (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when any tenant exists."
        )

    def handle(self, *args, if_empty: bool = False, **options):
        if if_empty and Tenant.objects.exists():
            self.stdout.write("Demo data: the database is not empty, left as it is.")
        else:
            demo.seed()
        self.stdout.write(
            self.style.SUCCESS(f"Demo logins, password {demo.DEMO_PASSWORD} for every one:")
        )
        for tenant, email, role in demo.logins():
            self.stdout.write(f"  {tenant:<30} {role:<22} {email}")
