"""A KAM sends their self-assessment; their supervisor finalises; the packet is there."""

import datetime

import pytest
from django.core import mail
from playwright.sync_api import expect

from reviews import workflow
from tests.accounts.conftest import make_account
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_review_from_self_assessment_to_packet(live_server, page, console_errors, org_a):
    make_account(org_a, "Initech")
    start = datetime.date(2026, 7, 1)
    workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q3 2026", start,
                        start + datetime.timedelta(days=91))  # fmt: skip

    sign_in(page, live_server, org_a.kam.user)
    page.get_by_role("link", name="Reviews").click()
    page.get_by_role("link", name=org_a.kam.user.full_name).click()
    page.get_by_label("Leadership and collaboration").select_option("4")
    page.get_by_label("Your summary").fill("Rebuilt the plan cadence with Initech.")
    page.get_by_role("button", name="Send to my reviewer").click()
    expect(page.locator(".steps .is-current")).to_have_text("Manager review")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, org_a.supervisor.user)
    page.get_by_role("link", name="Reviews").click()
    page.get_by_role("link", name=org_a.kam.user.full_name).click()
    expect(page.get_by_label("Leadership and collaboration", exact=True)).to_have_value("4")
    page.get_by_label("Note on Leadership and collaboration").fill("Led the pricing review.")
    page.get_by_label("Overall assessment").fill("A solid quarter.")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Finalise review").click()  # asks first: no, not yet
    assert asked and asked[0].startswith("Finalise this review?")
    expect(page.locator(".steps .is-current")).to_have_text("Manager review")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Finalise review").click()
    expect(page.locator(".steps .is-current")).to_have_text("Finalised")
    expect(page.get_by_text("Led the pricing review.")).to_be_visible()
    with page.expect_response(lambda r: r.url.endswith("packet.pdf")) as response:
        page.get_by_role("link", name="Packet (PDF").click()
    assert response.value.headers["content-type"] == "application/pdf"
    (packet,) = [m for m in mail.outbox if m.subject.startswith("Review packet:")]
    assert packet.attachments[0][2] == "application/pdf"


def test_calibration_then_sign_off(live_server, page, console_errors, org_a):
    make_account(org_a, "Initech")
    start = datetime.date(2026, 7, 1)
    cycle = workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q3 2026", start,
                                start + datetime.timedelta(days=91), calibrate=True)  # fmt: skip
    review = cycle.reviews.get(kam=org_a.kam)
    workflow.submit_self_assessment(review, org_a.kam.user, "Mine.", {"leadership": (5, None)})

    sign_in(page, live_server, org_a.supervisor.user)  # the reviewer submits for calibration
    page.goto(f"{live_server.url}/o/{org_a.tenant.slug}/reviews/{review.pk}/")
    page.get_by_label("Overall assessment").fill("Strong quarter.")
    page.get_by_role("button", name="Submit for calibration").click()
    expect(page.get_by_text("you finalise once leaders have calibrated it")).to_be_visible()
    expect(page.locator(".steps .is-current")).to_have_text("Calibration")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, org_a.leader.user)
    page.get_by_role("link", name="Reviews").click()
    page.get_by_role("link", name="Calibrate").click()
    expect(page.get_by_role("heading", name="Calibration · Q3 2026")).to_be_visible()
    page.get_by_text("Adjust…").click()
    page.get_by_label("Criterion").select_option("leadership")
    page.get_by_label("Rating").select_option("3")
    page.get_by_label("Reason").fill("In line with the team.")
    page.get_by_role("button", name="Calibrate").click()
    expect(page.get_by_text("rating calibrated")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, org_a.supervisor.user)
    page.goto(f"{live_server.url}/o/{org_a.tenant.slug}/reviews/{review.pk}/")
    expect(page.get_by_text("Calibrated to 3: In line with the team.")).to_be_visible()
    expect(page.get_by_role("heading", name="Finalise after calibration")).to_be_visible()
    expect(page.get_by_label("Overall assessment")).to_have_value("Strong quarter.")
    page.get_by_label("Overall assessment").fill("Calibrated and fair.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Finalise review").click()
    expect(page.locator(".steps .is-current")).to_have_text("Finalised")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, org_a.kam.user)
    page.goto(f"{live_server.url}/o/{org_a.tenant.slug}/reviews/{review.pk}/")
    page.get_by_label("I do not agree").check()
    page.get_by_label("Comment (optional)").fill("Leadership deserved a 4.")
    page.get_by_role("button", name="Sign off").click()
    expect(page.get_by_text("does not agree")).to_be_visible()
    expect(page.get_by_text("Leadership deserved a 4.")).to_be_visible()
    subjects = [m.subject for m in mail.outbox if m.attachments]
    assert subjects[-1].endswith("signed off by the KAM")
