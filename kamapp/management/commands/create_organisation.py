from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from kamapp import invitations


class Command(BaseCommand):
    help = "Create an organisation and mail its first admin an invitation."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The organisation's name, e.g. 'Acme Industrial'.")
        parser.add_argument("--admin", required=True, metavar="EMAIL", help="First admin.")

    def handle(self, *args, name: str, admin: str, **options):
        name = " ".join(name.split())
        try:
            validate_email(admin)
        except ValidationError:
            raise CommandError(f"“{admin}” is not an email address.") from None
        try:
            invitation = invitations.start_organisation(name, admin)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {invitation.tenant.name} (/o/{invitation.tenant.slug}/); "
                f"an invitation to be its admin is on its way to {invitation.email}."
            )
        )
