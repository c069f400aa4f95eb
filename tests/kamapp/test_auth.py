import re

import pytest
from django.core import mail
from django.urls import reverse

from kamapp.models import Membership, User
from tests.conftest import PASSWORD


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_sign_in_lands_on_the_tenant_dashboard(client, org_a):
    response = sign_in(client, org_a.kam.user.email)
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0] == f"/o/{org_a.tenant.slug}/"
    assert org_a.tenant.name in response.text


def test_wrong_password_says_so_beside_the_form(client, org_a):
    response = sign_in(client, org_a.kam.user.email, "nope")
    assert response.status_code == 200
    assert "Please enter a correct email and password" in response.text


def test_sign_in_is_throttled_after_repeated_failures(client, org_a, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        sign_in(client, org_a.kam.user.email, "nope")
    response = sign_in(client, org_a.kam.user.email)  # even the right password
    assert response.status_code == 200
    assert "Too many failed sign-in attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_a_successful_sign_in_clears_the_failures(client, org_a, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(2):
        sign_in(client, org_a.kam.user.email, "nope")
    assert sign_in(client, org_a.kam.user.email).status_code == 302
    client.logout()
    for _ in range(2):
        sign_in(client, org_a.kam.user.email, "nope")
    assert sign_in(client, org_a.kam.user.email).status_code == 302


def test_sign_out(client, org_a):
    client.force_login(org_a.kam.user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(f"/o/{org_a.tenant.slug}/").status_code == 302


def test_password_reset_by_email(client, org_a):
    user = org_a.kam.user
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    link = re.search(r"https?://[^/]+(/password-reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "a-much-better-passphrase-42"
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_tenant_switcher_lists_each_membership(client, org_a, org_b):
    both = org_a.kam.user
    org_b.add("leader", email=both.email)
    client.force_login(both)
    response = client.get(reverse("home"))
    assert response.status_code == 200  # two tenants: the user chooses
    assert org_a.tenant.name in response.text and org_b.tenant.name in response.text
    assert client.get(f"/o/{org_b.tenant.slug}/").status_code == 200
    assert client.get(f"/o/{org_a.tenant.slug}/").status_code == 200


def test_a_deactivated_member_loses_access(client, org_a):
    Membership.objects.filter(pk=org_a.kam.pk).update(is_active=False)
    client.force_login(org_a.kam.user)
    assert client.get(f"/o/{org_a.tenant.slug}/").status_code == 404


def _invitation_link(org) -> str:
    return reverse("invitation-accept", args=[org.invitation.token()])


def test_accepting_an_invitation_creates_the_user(client, org_a):
    url = _invitation_link(org_a)
    assert org_a.tenant.name in client.get(url).text
    response = client.post(url, {"full_name": "Nina New", "password": "short"})
    assert response.status_code == 200  # weak password: error beside the field
    assert "This password is too short" in response.text
    response = client.post(url, {"full_name": "Nina New", "password": "strong-enough-pass-9"})
    assert response.status_code == 302
    user = User.objects.get(email=org_a.invitation.email)
    membership = Membership.objects.get(tenant=org_a.tenant, user=user)
    assert membership.role == org_a.invitation.role
    assert client.get(f"/o/{org_a.tenant.slug}/").status_code == 200  # signed in
    assert client.post(url).status_code == 404  # used once


def test_accepting_attaches_an_existing_user(client, org_a, org_b):
    org_a.invitation.email = org_b.kam.user.email
    org_a.invitation.save()
    client.force_login(org_b.kam.user)
    response = client.post(_invitation_link(org_a))
    assert response.status_code == 302
    assert Membership.objects.filter(tenant=org_a.tenant, user=org_b.kam.user).exists()


@pytest.mark.parametrize("token", ["garbage", "x" * 300])
def test_a_bad_invitation_link_is_a_clear_404(client, db, token):
    response = client.get(reverse("invitation-accept", args=[token]))
    assert response.status_code == 404
    assert "invalid" in response.text


def test_an_expired_invitation_is_refused(client, org_a, settings):
    settings.INVITATION_MAX_AGE = -1
    assert client.get(_invitation_link(org_a)).status_code == 404


def test_one_client_guessing_many_emails_is_throttled(client, org_a, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.LOGIN_FAILURE_CLIENT_FACTOR = 3
    for n in range(6):
        sign_in(client, f"someone{n}@acme.test", "nope")
    response = sign_in(client, org_a.kam.user.email)
    assert "Too many failed sign-in attempts" in response.text
