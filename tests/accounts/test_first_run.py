"""A new organisation's home: a checklist for its admin, a friendly empty state for others,
and neither once the first account is in."""

import pytest
from django.urls import reverse
from django.utils import timezone

from kamapp.models import Invitation, Membership, Role, Tenant, User
from tests.accounts.conftest import make_account


def home(client, membership):
    client.force_login(membership.user)
    return client.get(reverse("dashboard", kwargs={"slug": membership.tenant.slug})).text


@pytest.fixture
def lone_admin(db) -> Membership:
    tenant = Tenant.objects.create(slug="fresh", name="Fresh Industrial")
    user = User.objects.create_user("first@fresh.test", "correct-horse-battery")
    return Membership.objects.create(tenant=tenant, user=user, role=Role.ADMIN)


def test_a_lone_admin_sees_three_steps_to_take_each_linking_to_its_page(client, lone_admin):
    page = home(client, lone_admin)
    assert "Get Fresh Industrial started" in page
    for label, name in [
        ("Invite the team", "member-list"),
        ("Import accounts", "account-import"),
        ("Set the health model", "health-settings"),
    ]:
        assert f'href="{reverse(name, kwargs={"slug": "fresh"})}">{label}</a>' in page
    assert "Done" not in page


def test_the_admins_own_invitation_is_not_the_team_invited(client, lone_admin):
    tenant = lone_admin.tenant
    Invitation.objects.create(tenant=tenant, email="FIRST@fresh.test", role=Role.ADMIN,
                              accepted_at=timezone.now())  # fmt: skip
    Invitation.objects.create(tenant=tenant, email="gone@fresh.test", revoked_at=timezone.now())
    assert "Done" not in home(client, lone_admin)


def test_steps_are_done_by_inviting_and_saving_the_health_model(client, lone_admin):
    tenant = lone_admin.tenant
    client.force_login(lone_admin.user)
    client.post(
        reverse("member-list", kwargs={"slug": tenant.slug}),
        {"email": "kam@fresh.test", "role": "kam"},
    )
    tenant.settings["health"] = {"weights": {}}
    tenant.save()
    page = home(client, lone_admin)
    assert page.count('<span class="badge badge-success">Done</span>') == 2
    assert 'Import accounts</a> <span class="badge' not in page


def test_other_roles_see_a_friendly_empty_state(client, org_a):
    page = home(client, org_a.kam)
    assert "Your organisation is being set up" in page and "Import accounts" not in page


def test_no_checklist_once_the_organisation_has_an_account(client, org_a):
    make_account(org_a, owner=org_a.supervisor)  # not the KAM's: their home stays empty
    assert "Get Acme Components started" not in home(client, org_a.admin)
    page = home(client, org_a.kam)
    assert "No accounts yet" in page and "being set up" not in page
