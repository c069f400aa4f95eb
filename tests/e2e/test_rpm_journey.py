"""Record an RPM assessment in the browser and see the account's dot move."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rpm.models import Assessment
from tests.accounts.conftest import make_account
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_assessment_moves_the_dot(live_server, page, console_errors, org_a):
    account = make_account(org_a, "Initech")
    Assessment.objects.create(
        tenant=org_a.tenant,
        account=account,
        stage=2,
        maturity=2,
        assessed_on=timezone.localdate() - datetime.timedelta(days=100),
    )
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(org_a.kam.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{live_server.url}/o/{org_a.tenant.slug}/rpm/")
    dot = page.locator("svg.matrix circle.dot title")
    expect(dot).to_have_count(1)
    assert "Preferred Supplier × Informal" in dot.text_content()

    page.goto(f"{live_server.url}/o/{org_a.tenant.slug}/accounts/{account.pk}/rpm/")
    page.get_by_label("They value our knowledge, not only our products.").check()
    page.get_by_label("We help them succeed on problems beyond our own offer.").check()
    expect(page.locator("#stage-suggestion")).to_contain_text("3 · Solutions Consultant")
    page.get_by_role("button", name="Use suggested").first.click()  # the stage's suggestion
    expect(page.get_by_label("Relationship stage")).to_have_value("3")
    page.get_by_label("Process maturity").select_option("3")
    page.get_by_role("button", name="Record assessment").click()
    expect(page.locator(".rpm-now")).to_contain_text("Solutions Consultant × Formal")
    expect(page.locator(".rpm-mini line.move")).to_have_count(1)  # the path from 2·2 to 3·3

    since = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    page.goto(f"{live_server.url}/o/{org_a.tenant.slug}/rpm/?since={since}")
    title = page.locator("svg.matrix circle.dot title").text_content()
    assert "Solutions Consultant × Formal" in title
    expect(page.locator("svg.matrix line.move")).to_have_count(1)
