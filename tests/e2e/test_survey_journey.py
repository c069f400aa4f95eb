"""A KAM asks a customer contact for feedback; the customer answers on the public page."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.accounts.conftest import make_account, make_contact
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_survey_from_request_to_answer(live_server, page, console_errors, org_a):
    account = make_account(org_a, "Initech")
    make_contact(account, "Dana Scully", email="dana@initech.example")
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(org_a.kam.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/o/{org_a.tenant.slug}/accounts/{account.pk}/feedback/")
    page.evaluate("window.stillHere = true")

    page.get_by_label("Ask").select_option(label="Dana Scully · dana@initech.example")
    page.get_by_role("button", name="Send survey").click()
    expect(page.locator("#surveys tbody")).to_contain_text("Sent")  # queued with the row
    assert page.evaluate("window.stillHere")
    # the new account's rescoring may have mailed its owner too
    (message,) = [m for m in mail.outbox if m.to == ["dana@initech.example"]]
    link = re.search(r"http\S+/s/\S+/", message.body)[0]

    customer = page.context.browser.new_context().new_page()  # no session of ours
    customer.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    expect(customer.get_by_role("heading")).to_contain_text("How are we doing for Initech?")
    customer.locator(".scale-11 .scale-option").nth(9).click()
    customer.locator(".scale-5 .scale-option").nth(4).click()
    customer.get_by_label("What should we keep doing").fill("Your planners are superb.")
    customer.get_by_role("button", name="Send my answers").click()
    expect(customer.get_by_role("heading")).to_contain_text("Thank you, Dana Scully")
    customer.context.close()

    page.reload()
    expect(page.locator("#surveys tbody")).to_contain_text("Answered")
    expect(page.get_by_text("Your planners are superb.")).to_be_visible()
