"""The KAM logs a QBR with two commitments, one of ours and one of the customer's; ours is
done on time; the next QBR opens with both and whether each was kept."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Action
from tests.accounts.conftest import make_account, make_contact
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_a_qbr_with_commitments_opens_the_next_one(live_server, page, console_errors, org_a):
    account = make_account(org_a, "Initech")
    make_contact(account, "Dana Scully", email="dana@initech.example")
    today = timezone.localdate()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(org_a.kam.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    base = f"{live_server.url}/o/{org_a.tenant.slug}/accounts/{account.pk}"

    page.goto(f"{base}/interactions/")
    page.get_by_role("link", name="Log a QBR").click()
    expect(page.get_by_text("The account's first QBR")).to_be_visible()
    page.get_by_label("Date").fill((today - datetime.timedelta(days=2)).isoformat())
    page.get_by_label("Agenda").fill("Downtime results\nThe retrofit")
    page.get_by_label("Dana Scully").check()
    page.get_by_role("button", name="Log QBR").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("QBR of")

    page.get_by_label("What was promised").fill("Send the downtime report")
    page.get_by_label("Due").fill((today + datetime.timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Add commitment").click()
    page.get_by_label("Whose commitment").select_option("customer")
    page.get_by_label("What was promised").fill("Share the line data")
    page.get_by_label("Who promised it").select_option(label="Dana Scully")
    page.get_by_label("Due").fill((today + datetime.timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Add commitment").click()
    expect(page.get_by_test_id("commitment")).to_have_count(2)

    page.goto(f"{base}/actions/")
    report = Action.objects.get(title="Send the downtime report")
    page.get_by_label("Status of Send the downtime report").select_option("done")
    expect(page.locator(f"#action-{report.pk}")).to_contain_text("On time")

    page.goto(f"{base}/interactions/")
    expect(page.get_by_test_id("qbr-summary")).to_contain_text("Downtime results")
    page.get_by_role("link", name="Log a QBR").click()
    review = page.locator("#last-commitments")
    expect(review.get_by_test_id("commitment")).to_have_count(2)
    kept = review.get_by_test_id("commitment").filter(has_text="Send the downtime report")
    expect(kept.get_by_test_id("kept")).to_have_text("Kept")
    still = review.get_by_test_id("commitment").filter(has_text="Share the line data")
    expect(still.get_by_test_id("kept")).to_have_text("Still open")
    expect(review).to_contain_text("1 kept, 0 done late, 1 still open, 0 dropped")

    page.set_viewport_size({"width": 390, "height": 844})
    box = review.bounding_box()
    assert box["x"] >= 0 and box["width"] <= 390, box
