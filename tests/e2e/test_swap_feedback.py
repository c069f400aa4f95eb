"""Swaps in a real browser: a write answers with a toast beside it (and no message on the next
page), focus lands somewhere sensible, the URL follows tabs, filters and sorting, and no swap
breaks the Content Security Policy."""

import pytest
from playwright.sync_api import expect

from tests.accounts.conftest import make_account, make_contact
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

# Playwright's init scripts run outside the page's CSP: they may listen for its violations.
LISTEN_FOR_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`));
"""


def settled(page) -> None:
    expect(page.locator(".htmx-request, .htmx-settling, .htmx-swapping")).to_have_count(0)


def test_swaps_give_feedback_keep_focus_and_the_url_and_break_no_csp(
    live_server, page, console_errors, org_a
):
    account = make_account(org_a, "Initech")
    make_account(org_a, "Globex", tier="development")
    make_contact(account, "Peter Gibbons")
    page.add_init_script(LISTEN_FOR_CSP)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(org_a.kam.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Initech", exact=True).click()
    expect(page.get_by_role("heading", name="Initech")).to_be_visible()

    # A tab switch: the URL follows, focus stays on the tab.
    page.get_by_role("link", name="Interactions", exact=True).click()
    expect(page.locator("#account-tabs .is-active")).to_have_text("Interactions")
    settled(page)
    assert page.url.endswith(f"/accounts/{account.pk}/interactions/")
    assert page.evaluate("document.activeElement.id") == "tab-link-interactions"

    # A write with an error (past the browser's own check): focus on the first field in error.
    page.locator("#tab-panel form").first.evaluate("form => { form.noValidate = true }")
    page.get_by_label("Date").fill("")
    page.get_by_role("button", name="Log interaction").click()
    settled(page)
    expect(page.locator("#tab-panel [aria-invalid=true]").first).to_be_focused()

    # A write: the toast says so, beside the action; focus lands on the panel's heading.
    page.get_by_label("Date").fill("2026-11-20")
    page.get_by_label("Summary").fill("Walked through the cover sheets")
    page.get_by_label("Peter Gibbons").check()
    page.get_by_role("button", name="Log interaction").click()
    toast = page.locator("#toasts .toast")
    expect(toast).to_contain_text("Interaction added.")
    settled(page)
    assert page.evaluate("document.activeElement.tagName") == "H2"

    # The message was consumed by the swap: the next full page does not repeat it.
    page.reload()
    expect(page.get_by_role("heading", name="Initech")).to_be_visible()
    expect(page.locator(".messages")).to_have_count(0)

    # A filter and a sort on the account list: the URL follows both, aria-sort says how.
    page.goto(f"{live_server.url}/o/{org_a.tenant.slug}/accounts/")
    page.get_by_label("Tier").select_option("development")
    expect(page.locator("#account-rows tbody tr")).to_have_count(1)
    assert "tier=development" in page.url
    page.get_by_role("link", name="Contract value").click()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Contract value")
    assert "sort=value" in page.url and "tier=development" in page.url
    page.get_by_label("Tier").select_option("")
    expect(page.locator("#account-rows tbody tr")).to_have_count(2)
    assert "sort=value" in page.url  # the filter form kept the sort

    assert page.evaluate("window.__csp") == []
