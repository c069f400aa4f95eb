import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from kamapp.models import Membership, PasswordResetMail, ThrottleEvent, User
from kamapp.tasks import requeue_mail
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


def test_password_reset_by_email(client, org_a, django_capture_on_commit_callbacks):
    user = org_a.kam.user
    with django_capture_on_commit_callbacks(execute=True):
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


def test_one_client_guessing_many_emails_waits_seconds_and_locks_no_one_out(
    client, org_a, settings
):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.LOGIN_FAILURE_CLIENT_FACTOR = 3
    for n in range(6):
        sign_in(client, f"someone{n}@acme.test", "nope")
    response = sign_in(client, org_a.kam.user.email)
    assert "Please try again in 1 second." in response.text
    assert "_auth_user_id" not in client.session
    ThrottleEvent.objects.update(created_at=F("created_at") - timedelta(seconds=2))
    assert sign_in(client, org_a.kam.user.email).status_code == 302  # a correct password


def test_the_client_wait_doubles_and_is_capped(client, org_a, settings):
    settings.LOGIN_FAILURE_LIMIT = 1
    settings.LOGIN_FAILURE_CLIENT_FACTOR = 1
    settings.LOGIN_CLIENT_COOLDOWN_MAX = 30
    for n in range(8):
        ThrottleEvent.objects.update(created_at=F("created_at") - timedelta(seconds=60))
        sign_in(client, f"someone{n}@acme.test", "nope")
    response = sign_in(client, org_a.kam.user.email)
    assert "Please try again in 30 seconds." in response.text


def test_a_trusted_proxy_forwards_the_client_address(client, org_a, settings):
    settings.LOGIN_FAILURE_LIMIT = 1
    settings.LOGIN_FAILURE_CLIENT_FACTOR = 1
    settings.TRUSTED_PROXIES = ["127.0.0.0/8"]
    behind = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7, 127.0.0.2"}
    client.post(reverse("login"), {"username": "x@acme.test", "password": "no"}, **behind)
    assert ThrottleEvent.objects.get().client == "198.51.100.7"
    # Another client behind the same proxy is not slowed by the first one's failure.
    other = {**behind, "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    data = {"username": org_a.kam.user.email, "password": PASSWORD}
    assert client.post(reverse("login"), data, **other).status_code == 302
    # Without the setting, the header is a client's claim and ignored.
    settings.TRUSTED_PROXIES = []
    client.logout()
    forged = {"REMOTE_ADDR": "192.0.2.1", "HTTP_X_FORWARDED_FOR": "198.51.100.8"}
    client.post(reverse("login"), {"username": "y@acme.test", "password": "no"}, **forged)
    assert ThrottleEvent.objects.filter(client="192.0.2.1").exists()


def test_an_invitation_link_alone_never_signs_in_an_existing_user(client, org_a, org_b):
    existing = org_b.kam.user
    org_a.invitation.email = existing.email
    org_a.invitation.save()
    url = _invitation_link(org_a)
    response = client.post(url)  # anonymous, no fields
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert "_auth_user_id" not in client.session
    assert not Membership.objects.filter(tenant=org_a.tenant, user=existing).exists()
    response = client.post(url, {"password": "wrong-password"})
    assert f"That is not the password of {existing.email}" in response.text
    assert "_auth_user_id" not in client.session
    # Signing in on the spot accepts.
    response = client.post(url, {"password": PASSWORD})
    assert response.status_code == 302
    assert Membership.objects.filter(tenant=org_a.tenant, user=existing).exists()
    assert client.session["_auth_user_id"] == str(existing.pk)


def test_accepting_by_password_is_throttled_like_sign_in(client, org_a, org_b, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    org_a.invitation.email = org_b.kam.user.email
    org_a.invitation.save()
    url = _invitation_link(org_a)
    for _ in range(2):
        client.post(url, {"password": "wrong-password"})
    response = client.post(url, {"password": PASSWORD})
    assert "Too many failed sign-in attempts for this account" in response.text
    assert not Membership.objects.filter(tenant=org_a.tenant, user=org_b.kam.user).exists()


def test_password_reset_is_limited_per_email_and_per_address(
    client, org_a, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_LIMIT = 2
    settings.LOGIN_FAILURE_CLIENT_FACTOR = 2

    def reset(email):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("password_reset"), {"email": email})

    for _ in range(3):
        response = reset(org_a.kam.user.email)
    assert len(mail.outbox) == 2
    assert "Too many reset requests" in response.text
    reset("unknown@acme.test")
    reset("unknown@acme.test")
    response = reset(org_a.admin.user.email)
    assert "Too many reset requests" in response.text  # the address's four are used
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("known", [True, False])
def test_password_reset_queues_the_mail_whether_or_not_the_email_is_known(
    client, org_a, known, django_capture_on_commit_callbacks
):
    email = org_a.kam.user.email if known else "nobody@acme.test"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("password_reset"), {"email": email})
    assert response.status_code == 302
    assert len(callbacks) == 1  # the same single task either way, sent after the response
    assert len(mail.outbox) == int(known)


def test_a_password_reset_whose_message_was_lost_is_sent_by_the_sweep(client, org_a):
    # No on-commit callbacks run here: the Celery message never left, as in a Redis outage.
    client.post(reverse("password_reset"), {"email": org_a.kam.user.email})
    client.post(reverse("password_reset"), {"email": "nobody@acme.test"})
    assert mail.outbox == [] and PasswordResetMail.objects.count() == 2
    PasswordResetMail.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert requeue_mail() == 2
    assert [m.to for m in mail.outbox] == [[org_a.kam.user.email]]  # nobody to mail for one
    assert not PasswordResetMail.objects.filter(sent_at=None).exists()
    assert requeue_mail() == 0 and len(mail.outbox) == 1
