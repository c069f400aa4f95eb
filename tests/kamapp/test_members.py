from django.core import mail
from django.urls import reverse

from kamapp.models import AuditEvent, Invitation, Membership


def members_url(org) -> str:
    return reverse("member-list", kwargs={"slug": org.tenant.slug})


def test_admin_invites_and_the_mail_goes_out(client, org_a, django_capture_on_commit_callbacks):
    client.force_login(org_a.admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            members_url(org_a),
            {"email": "Jo.Novak@Example.com", "role": "kam", "manager": org_a.supervisor.pk},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(tenant=org_a.tenant, email="jo.novak@example.com")
    assert invitation.manager == org_a.supervisor
    assert invitation.sent_at is not None
    assert [m.to for m in mail.outbox] == [["jo.novak@example.com"]]
    assert invitation.token() in mail.outbox[0].body
    assert org_a.tenant.name in mail.outbox[0].subject
    assert AuditEvent.objects.filter(
        verb="invitation.create", object_id=str(invitation.pk)
    ).exists()


def test_invite_errors_show_beside_the_field(client, org_a, org_b):
    client.force_login(org_a.admin.user)
    for email, error in [
        (org_a.kam.user.email, "already a member"),
        (org_a.invitation.email, "already pending"),
        ("not-an-email", "Enter a valid email address"),
    ]:
        response = client.post(members_url(org_a), {"email": email, "role": "kam"})
        assert response.status_code == 200
        assert error in response.text
    # another tenant's member cannot be picked as manager
    response = client.post(
        members_url(org_a),
        {"email": "x@example.com", "role": "kam", "manager": org_b.supervisor.pk},
    )
    assert "Select a valid choice" in response.text
    assert Invitation.objects.filter(tenant=org_a.tenant).count() == 1


def test_changing_a_role_is_audited(client, org_a):
    client.force_login(org_a.admin.user)
    url = reverse("member-edit", kwargs={"slug": org_a.tenant.slug, "membership_pk": org_a.kam.pk})
    response = client.post(url, {"role": "supervisor", "manager": "", "title": "Team lead"})
    assert response.status_code == 302
    org_a.kam.refresh_from_db()
    assert org_a.kam.role == "supervisor"
    event = AuditEvent.objects.get(verb="membership.update")
    assert event.actor == org_a.admin.user
    assert event.changes["role"] == ["kam", "supervisor"]
    assert event.changes["manager_id"] == [org_a.supervisor.pk, None]


def test_a_reporting_loop_is_refused(client, org_a):
    client.force_login(org_a.admin.user)
    url = reverse(
        "member-edit", kwargs={"slug": org_a.tenant.slug, "membership_pk": org_a.supervisor.pk}
    )
    Membership.objects.filter(pk=org_a.kam.pk).update(role="supervisor")
    response = client.post(url, {"role": "supervisor", "manager": org_a.kam.pk})
    assert response.status_code == 200
    assert "reporting loop" in response.text


def test_deactivate_and_reactivate(client, org_a):
    client.force_login(org_a.admin.user)
    url = reverse(
        "member-toggle-active", kwargs={"slug": org_a.tenant.slug, "membership_pk": org_a.kam.pk}
    )
    client.post(url)
    org_a.kam.refresh_from_db()
    assert not org_a.kam.is_active
    client.post(url)
    org_a.kam.refresh_from_db()
    assert org_a.kam.is_active
    own = reverse(
        "member-toggle-active", kwargs={"slug": org_a.tenant.slug, "membership_pk": org_a.admin.pk}
    )
    response = client.post(own, follow=True)
    assert "cannot deactivate yourself" in response.text


def test_revoked_invitation_link_stops_working(client, org_a):
    client.force_login(org_a.admin.user)
    token = org_a.invitation.token()
    client.post(
        reverse(
            "invitation-revoke",
            kwargs={"slug": org_a.tenant.slug, "invitation_pk": org_a.invitation.pk},
        )
    )
    client.logout()
    assert client.get(reverse("invitation-accept", args=[token])).status_code == 404


def test_member_list_query_count_does_not_grow(client, org_a, django_assert_max_num_queries):
    client.force_login(org_a.admin.user)
    # session (in Postgres), session user, tenant, membership, RLS set-up, members, pending
    # invitations, manager choices for the form, the open-alert and notification badges: a fixed
    # handful.
    with django_assert_max_num_queries(16) as small:
        client.get(members_url(org_a))
    for i in range(40):
        org_a.add("kam", manager=org_a.supervisor, email=f"k{i}@acme.test")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(members_url(org_a))
    assert response.status_code == 200


def test_search_members(client, org_a):
    client.force_login(org_a.admin.user)
    response = client.get(members_url(org_a), {"q": "supervisor@"})
    assert org_a.supervisor.user.email in response.text
    assert org_a.kam.user.email not in response.text


def test_audit_log_shows_events(client, org_a):
    from kamapp.audit import record

    record(
        org_a.tenant, org_a.admin.user, "membership.update", org_a.kam, {"role": ["kam", "leader"]}
    )
    client.force_login(org_a.admin.user)
    response = client.get(reverse("audit-log", kwargs={"slug": org_a.tenant.slug}))
    assert "Admin of Acme Components changed the role, manager or title of Kam of Acme" in (
        response.text
    )
    assert "Key account manager → Leader" in response.text
