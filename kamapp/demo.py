"""Demo tenants and people for `manage.py seed_demo`.

Each app adds its own demo data through a `seed_demo(tenant)` method on its AppConfig,
called in INSTALLED_APPS order inside the tenant's RLS context (kamapp imports no app).
"""

from dataclasses import dataclass

from django.apps import apps
from django.db import transaction

from kamapp.models import Membership, Role, Tenant, User
from kamapp.rls import tenant_context

DEMO_PASSWORD = "kamapp-demo"


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    role: str
    title: str
    manager: str = ""  # email of the manager within the tenant


TENANTS = {
    ("northwind", "Northwind Industrial Supply"): [
        Person("admin@northwind.example", "Priya Raman", Role.ADMIN, "Sales Operations Lead"),
        Person("cso@northwind.example", "Daniel Okafor", Role.LEADER, "Chief Sales Officer"),
        Person(
            "sara.lindqvist@northwind.example",
            "Sara Lindqvist",
            Role.SUPERVISOR,
            "Head of Key Accounts, EMEA",
            "cso@northwind.example",
        ),
        Person(
            "marco.bianchi@northwind.example",
            "Marco Bianchi",
            Role.SUPERVISOR,
            "Head of Key Accounts, Americas",
            "cso@northwind.example",
        ),
        Person(
            "kam@northwind.example",
            "Aisha Khan",
            Role.KAM,
            "Key Account Manager",
            "sara.lindqvist@northwind.example",
        ),
        Person(
            "tom.becker@northwind.example",
            "Tom Becker",
            Role.KAM,
            "Key Account Manager",
            "sara.lindqvist@northwind.example",
        ),
        Person(
            "lucia.fernandez@northwind.example",
            "Lucía Fernández",
            Role.KAM,
            "Senior Key Account Manager",
            "marco.bianchi@northwind.example",
        ),
        Person(
            "james.whitfield@northwind.example",
            "James Whitfield",
            Role.KAM,
            "Key Account Manager",
            "marco.bianchi@northwind.example",
        ),
        Person("morgan.lee@consulting.example", "Morgan Lee", Role.LEADER, "KAM Programme Advisor"),
    ],
    ("helix", "Helix Medical Devices"): [
        Person("admin@helix.example", "Grace Mwangi", Role.ADMIN, "Commercial Excellence Manager"),
        Person("vp@helix.example", "Henrik Nielsen", Role.LEADER, "VP Global Accounts"),
        Person(
            "supervisor@helix.example",
            "Olivia Chen",
            Role.SUPERVISOR,
            "Director, Strategic Accounts",
            "vp@helix.example",
        ),
        Person(
            "kam@helix.example",
            "Rafael Souza",
            Role.KAM,
            "Strategic Account Manager",
            "supervisor@helix.example",
        ),
        Person(
            "emma.schultz@helix.example",
            "Emma Schultz",
            Role.KAM,
            "Strategic Account Manager",
            "supervisor@helix.example",
        ),
        Person(
            "morgan.lee@consulting.example",
            "Morgan Lee",
            Role.SUPERVISOR,
            "Interim Director, Key Accounts",
            "vp@helix.example",
        ),
    ],
}


def seed_apps(tenant, size: int | None = None) -> None:
    """Each app's demo data (`seed_demo`), then each app's follow-up (`after_seed_demo`, e.g.
    a first health calculation once every app has its rows)."""
    for hook in ("seed_demo", "after_seed_demo"):
        for config in apps.get_app_configs():
            if hasattr(config, hook):
                getattr(config, hook)(tenant, size)


def logins() -> list[tuple[str, str, str]]:
    """(tenant name, email, role) of every demo login."""
    return [
        (name, person.email, Role(person.role).label)
        for (_, name), people in TENANTS.items()
        for person in people
    ]


def seed() -> None:
    """Create (or bring back) the demo tenants and people, and each app's demo data."""
    with transaction.atomic():
        for (slug, name), people in TENANTS.items():
            tenant, _ = Tenant.objects.update_or_create(slug=slug, defaults={"name": name})
            with tenant_context(tenant.pk):
                memberships = {}
                for person in people:
                    user = User.objects.filter(email=person.email).first()
                    if user is None:
                        user = User.objects.create_user(
                            person.email, DEMO_PASSWORD, full_name=person.name
                        )
                    memberships[person.email], _ = Membership.objects.update_or_create(
                        tenant=tenant,
                        user=user,
                        defaults={
                            "role": person.role,
                            "title": person.title,
                            "is_active": True,
                            "manager": memberships.get(person.manager),
                        },
                    )
                seed_apps(tenant)
