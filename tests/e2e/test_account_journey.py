"""A KAM's working session on one account, in a real browser: every change shows up without
a full page reload (a marker set on `window` survives)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Action, Interaction, KPIMeasurement
from tests.accounts.conftest import (
    make_account,
    make_action,
    make_contact,
    make_kpi,
    make_objective,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def open_tab(page, name: str) -> None:
    """Click a tab and wait until htmx has swapped and settled it (handlers attached)."""
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.locator("#account-tabs .is-active")).to_have_text(name)
    expect(page.locator(".htmx-request, .htmx-settling, .htmx-swapping")).to_have_count(0)


def still_same_page(page) -> None:
    assert page.evaluate("window.__noReload === true"), "the page reloaded"


def test_kam_works_an_account_without_reloads(live_server, page, console_errors, org_a):
    account = make_account(org_a, "Initech")
    kpi = make_kpi(make_objective(account, "Cut downtime"), baseline="40", target="20")
    contact = make_contact(account, "Peter Gibbons")
    action = make_action(
        account,
        title="Run the TPS workshop",
        owner=org_a.kam,
        due_date=timezone.localdate() + datetime.timedelta(days=3),
    )

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(org_a.kam.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Initech", exact=True).click()  # "my week" links its plan too
    expect(page.get_by_role("heading", name="Initech")).to_be_visible()
    page.evaluate("window.__noReload = true")

    open_tab(page, "Objectives & KPIs")
    row = page.locator(f"#kpi-{kpi.pk}")
    row.get_by_label("New value").fill("30")
    row.get_by_role("button", name="Add measurement").click()
    expect(page.locator(f"#kpi-{kpi.pk} [data-testid=attainment]")).to_have_text("50%")
    still_same_page(page)

    open_tab(page, "Interactions")
    page.get_by_label("Summary").fill("Walked through the new cover sheets")
    page.get_by_label("Peter Gibbons").check()
    page.get_by_label("Meaningful").check()
    page.get_by_role("button", name="Log interaction").click()
    expect(page.get_by_text("Walked through the new cover sheets")).to_be_visible()
    still_same_page(page)

    open_tab(page, "Actions")
    page.get_by_label("Status of Run the TPS workshop").select_option("done")
    expect(page.locator(f"#action-{action.pk}")).to_contain_text("On time")
    still_same_page(page)

    open_tab(page, "Plan")
    expect(page.get_by_text("Plan is stale")).to_be_visible()
    page.get_by_role("button", name="Mark as reviewed").click()
    expect(page.get_by_text("Plan is stale")).to_have_count(0)
    still_same_page(page)

    assert KPIMeasurement.objects.get(kpi=kpi).value == 30
    interaction = Interaction.objects.get(account=account)
    assert list(interaction.contacts.all()) == [contact] and interaction.meaningful
    assert Action.objects.get(pk=action.pk).status == "done"
    account.plan.refresh_from_db()
    assert account.plan.last_reviewed_at is not None
