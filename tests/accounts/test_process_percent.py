"""Lists show the share of the process followed as the health run last stored it."""

from django.urls import reverse
from django.utils import timezone

from accounts import recalculation
from accounts.models import ProcessConfirmation
from accounts.process import conformance
from kamapp.rls import tenant_context
from tests.accounts.conftest import follow_process, make_account


def test_the_health_run_stores_the_process_followed_beside_the_account(client, org_a):
    account = make_account(org_a)
    follow_process(account, org_a)
    with tenant_context(org_a.tenant.pk):
        recalculation.recalculate(org_a.tenant)
    account.refresh_from_db()
    live = conformance.percents(org_a.tenant, type(account).objects.all(), timezone.localdate())
    assert account.process_percent == live[account.pk] == 100
    client.force_login(org_a.kam.user)
    page = client.get(reverse("account-list", kwargs={"slug": org_a.tenant.slug})).text
    assert ">100%</a>" in page


def test_a_confirmation_queues_the_account_for_rescoring(org_a, monkeypatch):
    from accounts import rescoring

    queued = []
    monkeypatch.setattr(rescoring, "queue", lambda tenant, account: queued.append(account))
    account = make_account(org_a)
    queued.clear()
    item = conformance.items_for(org_a.tenant)[0]
    ProcessConfirmation.objects.create(
        tenant=org_a.tenant, account=account, item=item, confirmed_by=org_a.kam.user
    )
    assert queued == [account.pk]
