"""Work the alerts inbox in the browser: snooze one alert and resolve another, in place."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import RiskAlert
from kamapp.demo import seed_apps
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_snooze_and_resolve_without_a_reload(live_server, page, console_errors, org_a):
    seed_apps(org_a.tenant, size=10)  # demo accounts with their deliberate alerts
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(org_a.kam.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Alerts").click()
    page.evaluate("window.stillHere = true")

    rows = page.locator("tbody tr")
    snoozed, resolved = rows.nth(0), rows.nth(1)
    ids = [int(row.get_attribute("id").removeprefix("alert-")) for row in (snoozed, resolved)]
    until = timezone.localdate() + datetime.timedelta(days=5)

    snoozed.get_by_text("Snooze…").click()
    snoozed.get_by_label("Until").fill(until.isoformat())
    snoozed.get_by_role("button", name="Snooze", exact=True).click()
    expect(page.locator(f"#alert-{ids[0]} td").nth(4)).to_contain_text(f"until {until:%-d %b}")

    resolved.get_by_text("Resolve…").click()
    resolved.get_by_label("Resolution note").fill("Met the buyer, agreed a recovery plan.")
    resolved.get_by_role("button", name="Resolve", exact=True).click()
    expect(page.locator(f"#alert-{ids[1]}")).to_contain_text("Met the buyer")

    assert page.evaluate("window.stillHere")
    statuses = dict(RiskAlert.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert statuses == {ids[0]: "snoozed", ids[1]: "resolved"}
