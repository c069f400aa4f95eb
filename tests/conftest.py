"""Shared fixtures: tenants, members per role, and the RLS setting for test code.

Test code (fixtures, assertions) sees every tenant's rows through the RLS bypass setting on
its own connection; requests served by the app set their tenant context themselves, which
turns the bypass off for the request, so views are tested behind all three walls.
"""

import os

import pytest
from django.db import connection

from kamapp import devservices
from kamapp.models import Invitation, Membership, Role, Tenant, User

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM calls in Playwright tests
PASSWORD = "correct-horse-battery"


def pytest_sessionstart(session):
    devservices.up()


def _uses_db(request) -> bool:
    names = set(request.fixturenames)
    return bool(names & {"db", "transactional_db", "live_server", "django_db_setup"}) or (
        request.node.get_closest_marker("django_db") is not None
    )


@pytest.fixture(autouse=True)
def _test_code_sees_all_tenants(request):
    if not _uses_db(request):
        yield
        return
    request.getfixturevalue("transactional_db" if _wants_transactions(request) else "db")
    see_all_tenants()
    yield
    if connection.connection is not None and not connection.needs_rollback:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('app.rls_bypass', '', false)")


def see_all_tenants() -> None:
    """Turn the RLS bypass on for this (test) connection's session."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.rls_bypass', 'on', false)")


def _wants_transactions(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    return transactional or bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _every_recorded_verb_has_a_sentence():
    """Whatever a test makes the app record must read as a sentence in the history
    (`kamapp.history`): a new verb fails the tests that record it until it is given one."""
    from django.db.models.signals import post_save

    from kamapp import history
    from kamapp.models import AuditEvent

    missing: list[str] = []

    def check(sender, instance, created, **kwargs):
        made_up_by_a_test = instance.verb.split(".")[0] == "test"
        if created and not made_up_by_a_test and not history.has_sentence(instance.verb):
            missing.append(instance.verb)

    post_save.connect(check, sender=AuditEvent, weak=False)
    yield
    post_save.disconnect(check, sender=AuditEvent)
    assert not missing, f"recorded without a sentence in kamapp.history: {sorted(set(missing))}"


@pytest.fixture(autouse=True)
def _clear_cache(request):
    """Throttle counters live in Redis: start every test with none."""
    from django.core.cache import cache

    cache.clear()
    yield


class Org:
    """A tenant with one member per role, made for a test."""

    def __init__(self, slug: str, name: str):
        self.tenant = Tenant.objects.create(slug=slug, name=name)
        self.members: dict[str, Membership] = {}
        self.admin = self.add(Role.ADMIN)
        self.leader = self.add(Role.LEADER)
        self.supervisor = self.add(Role.SUPERVISOR)
        self.kam = self.add(Role.KAM, manager=self.supervisor)
        self.invitation = Invitation.objects.create(
            tenant=self.tenant,
            email=f"new@{slug}.test",
            role=Role.KAM,
            invited_by=self.admin.user,
        )

    def add(self, role: str, manager: Membership | None = None, email: str = "") -> Membership:
        email = email or f"{role}@{self.tenant.slug}.test"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, PASSWORD, full_name=f"{role.title()} of {self.tenant.name}"
        )
        membership = Membership.objects.create(
            tenant=self.tenant, user=user, role=role, manager=manager
        )
        self.members[role] = membership
        return membership


@pytest.fixture
def org_a(db) -> Org:
    return Org("acme", "Acme Components")


@pytest.fixture
def org_b(db) -> Org:
    return Org("borealis", "Borealis Logistics")
