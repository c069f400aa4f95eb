"""Sign in, see the dashboard, switch tenant, sign out: in a real headless chromium."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_sign_in_switch_tenant_sign_out(live_server, page, console_errors, org_a, org_b):
    person = org_a.kam.user
    org_b.add("leader", email=person.email)

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Please enter a correct email and password")).to_be_visible()

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # two organisations: the user picks one
    page.get_by_role("link", name=org_a.tenant.name).click()
    expect(page).to_have_url(f"{live_server.url}/o/{org_a.tenant.slug}/")
    expect(page.locator("header")).to_contain_text(org_a.tenant.name)

    page.get_by_role("link", name="Switch organisation").click()
    page.get_by_role("link", name=org_b.tenant.name).click()
    expect(page).to_have_url(f"{live_server.url}/o/{org_b.tenant.slug}/")
    expect(page.locator("header")).to_contain_text(org_b.tenant.name)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server.url}/login/")
    page.goto(f"{live_server.url}/o/{org_b.tenant.slug}/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/o/{org_b.tenant.slug}/")


def test_admin_invites_a_member(live_server, page, console_errors, org_a):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(org_a.admin.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/o/{org_a.tenant.slug}/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()
    page.get_by_label("Email").fill(org_a.kam.user.email)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("already a member")).to_be_visible()
    page.get_by_label("Email").fill("new.colleague@example.com")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to new.colleague@example.com")).to_be_visible()
