"""The KAM shares the plan; the customer, in their own browser, confirms a goal and enters a
KPI value on a phone-sized screen; the KAM sees both on the account."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests.accounts.conftest import make_account, make_contact, make_kpi, make_objective
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_joint_plan_from_sharing_to_answers(live_server, page, console_errors, org_a):
    account = make_account(org_a, "Initech")
    goal = make_objective(account, title="Cut unplanned downtime")
    make_kpi(goal, name="Downtime")
    make_contact(account, "Dana Scully", email="dana@initech.example")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(org_a.kam.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    base = f"{live_server.url}/o/{org_a.tenant.slug}/accounts/{account.pk}"
    page.goto(f"{base}/joint-plan/")
    page.get_by_label("Dana Scully").check()
    page.get_by_role("button", name="Share by email").click()
    expect(page.locator("table")).to_contain_text("dana@initech.example")
    (message,) = mail.outbox
    link = re.search(r"http\S+/p/\S+/", message.body)[0]

    phone = page.context.browser.new_context(viewport={"width": 390, "height": 844})
    customer = phone.new_page()
    customer.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    expect(customer.get_by_role("heading", level=1)).to_contain_text("Initech")
    expect(customer.locator(".auth-brand")).to_contain_text("Acme Components")
    customer.get_by_label("Yes, this is our goal").check()
    customer.get_by_role("button", name="Send").click()
    expect(customer.get_by_role("status")).to_contain_text("your answer on the goal is saved")
    customer.get_by_text("Enter a new value").click()
    customer.get_by_label("Date").fill(timezone.localdate().isoformat())
    customer.get_by_label("Value").fill("31")
    customer.get_by_role("button", name="Save value").click()
    expect(customer.get_by_role("status")).to_contain_text("your KPI value is saved")
    width = customer.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    phone.close()

    page.goto(f"{base}/objectives/")
    expect(page.get_by_test_id("customer-confirmed")).to_be_visible()
    expect(page.get_by_test_id("customer-value")).to_be_visible()
    page.goto(f"{base}/joint-plan/")
    expect(page.get_by_text("✓ Confirmed")).to_be_visible()
