import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from kamapp.models import AuditEvent
from tests.accounts.conftest import make_action


def url(org, name, account, **kwargs):
    return reverse(name, kwargs={"slug": org.tenant.slug, "keyaccount_pk": account.pk, **kwargs})


def test_inline_status_change_stamps_done_date(client, org_a, account):
    action = make_action(
        account,
        due_date=timezone.localdate() + datetime.timedelta(days=5),
        planned_budget=Decimal(1000),
        actual_cost=Decimal(800),
    )
    client.force_login(org_a.kam.user)
    response = client.post(
        url(org_a, "action-status", account, action_pk=action.pk),
        {"status": "done"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and response.text.strip().startswith("<tr")
    assert "On time" in response.text and "On budget" in response.text
    action.refresh_from_db()
    assert action.status == "done" and action.done_date == timezone.localdate()
    assert AuditEvent.objects.get(verb="action.status").changes["status"] == ["planned", "done"]


def test_overdue_and_over_budget_are_flagged(client, org_a, account):
    make_action(account, title="Late one", due_date=timezone.localdate() - datetime.timedelta(1))
    make_action(
        account,
        title="Costly",
        status="done",
        due_date=timezone.localdate(),
        done_date=timezone.localdate(),
        planned_budget=Decimal(100),
        actual_cost=Decimal(150),
    )
    client.force_login(org_a.leader.user)
    page = client.get(url(org_a, "account-actions", account)).text
    assert "Overdue" in page and "Over budget" in page
    assert "<select" not in page  # leaders read only


def test_create_action_scopes_choices(client, org_a, org_b, account):
    client.force_login(org_a.kam.user)
    response = client.post(
        url(org_a, "account-actions", account),
        {"title": "Workshop", "status": "planned", "owner": org_b.kam.pk},
    )
    assert "Select a valid choice" in response.text
    client.post(
        url(org_a, "account-actions", account),
        {"title": "Workshop", "status": "planned", "owner": org_a.kam.pk},
    )
    assert account.actions.get().owner == org_a.kam
