"""Member management writes with real data, per role. Every route's refusals and empty posts
are in the role sweep (tests/security/test_role_sweep.py)."""

import pytest

ADMIN, LEADER, SUPERVISOR, KAM = "admin", "leader", "supervisor", "kam"
ALL = {ADMIN, LEADER, SUPERVISOR, KAM}

# (method, url name, needs an object, roles allowed, status when allowed)
CASES = [
    ("post", "member-list", None, {ADMIN}, 302),
    ("post", "member-edit", "membership", {ADMIN}, 302),
    ("post", "member-toggle-active", "membership", {ADMIN}, 302),
    ("post", "invitation-revoke", "invitation", {ADMIN}, 302),
]

POST_DATA = {
    "member-list": {"email": "fresh@example.com", "role": KAM},
    "member-edit": {"role": KAM, "title": "Account lead"},
}


@pytest.mark.parametrize("method,name,obj,allowed,ok", CASES)
@pytest.mark.parametrize("role", sorted(ALL))
def test_role_table(client, org_a, method, name, obj, allowed, ok, role):
    from django.urls import reverse

    kwargs = {"slug": org_a.tenant.slug}
    if obj == "membership":
        kwargs["membership_pk"] = org_a.kam.pk
    elif obj == "invitation":
        kwargs["invitation_pk"] = org_a.invitation.pk
    client.force_login(org_a.members[role].user)
    response = getattr(client, method)(reverse(name, kwargs=kwargs), POST_DATA.get(name, {}))
    assert response.status_code == (ok if role in allowed else 403)


def test_kam_sees_no_settings_links(client, org_a):
    client.force_login(org_a.kam.user)
    page = client.get(f"/o/{org_a.tenant.slug}/").text
    assert "/settings/members/" not in page
    client.force_login(org_a.admin.user)
    page = client.get(f"/o/{org_a.tenant.slug}/").text
    assert "/settings/members/" in page and "/settings/audit/" in page
