"""A supervisor goes from their team to a KAM's page to one of their reviews; a leader from
the leadership dashboard to a top risk to that account. What they see, no console errors, and
the accessibility test's axe check on every page on the way."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from accounts.models import RiskAlert
from accounts.recalculation import recalculate
from kamapp.demo import seed_apps
from kamapp.rls import tenant_context
from reviews.models import PerformanceReview
from tests.e2e.test_accessibility import serious
from tests.e2e.test_review_journey import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def portfolio(org_a):
    seed_apps(org_a.tenant, size=6)
    with tenant_context(org_a.tenant.pk):
        recalculate(org_a.tenant)
    return org_a


def test_supervisor_team_then_kam_then_review(live_server, page, console_errors, portfolio):
    org, axe = portfolio, Axe()
    kam = org.kam.user.full_name
    review = PerformanceReview.objects.filter(kam=org.kam).select_related("cycle").first()
    sign_in(page, live_server, org.supervisor.user)
    expect(page.get_by_role("heading", name="Your team")).to_be_visible()
    row = page.locator("tr", has=page.get_by_role("link", name=kam, exact=True))
    expect(row).to_have_count(1)
    assert serious(axe, page) == []

    row.get_by_role("link", name=kam, exact=True).click()
    expect(page.get_by_role("heading", name=kam, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Reviews")).to_be_visible()
    assert serious(axe, page) == []

    page.get_by_role("link", name=review.cycle.name, exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/o/{org.tenant.slug}/reviews/{review.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(kam)
    assert serious(axe, page) == []


def test_leader_leadership_then_risk_then_account(live_server, page, console_errors, portfolio):
    org, axe = portfolio, Axe()
    sign_in(page, live_server, org.leader.user)
    expect(page.get_by_role("heading", name="State of key accounts")).to_be_visible()
    expect(page.get_by_role("heading", name="In short")).to_be_visible()
    expect(page.get_by_text("Mean account health")).to_be_visible()
    risks = page.locator("section", has=page.get_by_role("heading", name="most serious open risks"))
    live = RiskAlert.objects.filter(tenant=org.tenant, status__in=RiskAlert.LIVE).count()
    expect(risks.locator("tbody tr")).to_have_count(min(10, live))
    assert live and serious(axe, page) == []

    first = risks.locator("tbody tr").first
    account = first.get_by_role("link").inner_text()
    first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/o/{org.tenant.slug}/accounts/\d+/health/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(account)
    assert serious(axe, page) == []

    page.go_back()
    page.get_by_role("button", name="Make this month's report").click()
    expect(page.get_by_text("is ready and on its way to leadership")).to_be_visible()
    with page.expect_response(lambda r: r.url.endswith(".pdf")) as response:
        page.locator("#reports").get_by_role("link").first.click()
    assert response.value.headers["content-type"] == "application/pdf"
