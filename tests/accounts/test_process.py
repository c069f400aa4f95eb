"""Our KAM Process: the editor (admins), conformance per account, the Process tab."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    KeyAccount,
    KPIMeasurement,
    ProcessConfirmation,
    ProcessItem,
    ProcessStage,
)
from accounts.process import conformance
from kamapp.models import AuditEvent
from tests.accounts.conftest import (
    follow_process,
    make_account,
    make_action,
    make_kpi,
    make_objective,
)

TODAY = timezone.localdate()


def _percents(org) -> dict[int, int]:
    return conformance.percents(org.tenant, KeyAccount.objects.for_tenant(org.tenant), TODAY)


def test_every_tenant_starts_with_the_default_process(org_a):
    stages = list(ProcessStage.objects.for_tenant(org_a.tenant).values_list("name", flat=True))
    assert stages == ["Know", "Act", "Measure"]
    assert ProcessItem.objects.for_tenant(org_a.tenant).count() == 8


def test_an_empty_account_follows_nothing_and_is_told_what_to_do(org_a):
    account = make_account(org_a)
    found = conformance.for_accounts(org_a.tenant, KeyAccount.objects.all(), TODAY)[account.pk]
    assert found.percent == 0
    assert found.next_steps[0].item.label == "Customer goals recorded with KPIs"
    assert [s.name for s in found.stages] == ["Know", "Act", "Measure"]


def test_an_account_with_every_fact_follows_the_whole_process(org_a):
    account = make_account(org_a)
    follow_process(account, org_a)
    found = conformance.for_accounts(org_a.tenant, KeyAccount.objects.all(), TODAY)[account.pk]
    assert found.percent == 100 and found.followed and not found.next_steps


def test_partial_states_count_item_by_item(org_a):
    account = make_account(org_a)
    follow_process(account, org_a)
    # a goal without a KPI, an action without an owner, a stale KPI, an old confirmation
    make_objective(account, title="Enter a new market")
    make_action(account, title="Call", due_date=None)
    stale = make_kpi(account.objectives.first(), name="Scrap", cadence_days=30)
    KPIMeasurement.objects.create(
        tenant=org_a.tenant, kpi=stale, date=TODAY - datetime.timedelta(days=45), value=35
    )
    KPIMeasurement.objects.create(  # planned ahead: not a measurement yet
        tenant=org_a.tenant, kpi=stale, date=TODAY + datetime.timedelta(days=1), value=36
    )
    ProcessConfirmation.objects.filter(account=account).update(
        confirmed_on=TODAY - datetime.timedelta(days=120)
    )
    found = conformance.for_accounts(org_a.tenant, KeyAccount.objects.all(), TODAY)[account.pk]
    missing = {s.item.rule for s in found.next_steps}
    assert missing == {"goals", "actions_owned", "kpis_measured", "confirmed"}
    assert found.percent == round(100 * 4 / 8)
    assert _percents(org_a) == {account.pk: found.percent}  # the health run's shortcut


def test_items_apply_to_their_tiers_only(org_a):
    development = make_account(org_a, tier="development")
    found = conformance.for_accounts(org_a.tenant, KeyAccount.objects.all(), TODAY)
    rules = {s.item.rule for stage in found[development.pk].stages for s in stage.items}
    assert "qbr" not in rules and found[development.pk].applicable == 7


def test_conformance_takes_a_fixed_number_of_queries(org_a, django_assert_max_num_queries):
    for n in range(6):
        account = make_account(org_a, name=f"Account {n}")
        if n % 2:
            follow_process(account, org_a)
        else:
            make_objective(account)
    # items, accounts, objectives, buyers met, actions, KPIs, QBRs, feedback, confirmations
    with django_assert_max_num_queries(9):
        found = _percents(org_a)
    assert sorted(found.values()) == [0, 0, 0, 100, 100, 100]


def test_admin_edits_the_process_with_validation_and_audit(client, org_a):
    client.force_login(org_a.admin.user)
    url = reverse("process-settings", kwargs={"slug": org_a.tenant.slug})
    know = ProcessStage.objects.get(tenant=org_a.tenant, name="Know")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"form": "item", "stage": know.pk, "label": "Again", "rule": "qbr", "order": 9,
         "confirm_every_days": 90},
    )  # fmt: skip
    assert "already uses this check" in response.content.decode()
    response = client.post(
        url,
        {"form": "item", "stage": know.pk, "label": "Org chart validated", "rule": "confirmed",
         "tiers": ["strategic"], "order": 9, "confirm_every_days": 180},
    )  # fmt: skip
    assert response.status_code == 302
    item = ProcessItem.objects.get(tenant=org_a.tenant, label="Org chart validated")
    assert item.tiers == ["strategic"]
    assert AuditEvent.objects.filter(verb="process.item.create", object_id=str(item.pk)).exists()
    response = client.post(url, {"form": "stage", "name": "know", "order": 4})
    assert "already has a stage" in response.content.decode()
    delete = reverse(
        "process-stage-delete", kwargs={"slug": org_a.tenant.slug, "processstage_pk": know.pk}
    )
    client.post(delete)
    assert ProcessStage.objects.filter(pk=know.pk).exists()  # it still has items


def test_only_admins_configure_the_process(client, org_a):
    client.force_login(org_a.kam.user)
    url = reverse("process-settings", kwargs={"slug": org_a.tenant.slug})
    assert client.get(url).status_code == 403


def test_another_tenants_item_is_a_404(client, org_a, org_b):
    client.force_login(org_a.admin.user)
    theirs = ProcessItem.objects.for_tenant(org_b.tenant).first()
    url = reverse(
        "process-item-edit", kwargs={"slug": org_a.tenant.slug, "processitem_pk": theirs.pk}
    )
    assert client.get(url).status_code == 404


def test_the_kam_sees_the_tab_and_confirms_an_item(client, org_a):
    account = make_account(org_a)
    client.force_login(org_a.kam.user)
    slug = org_a.tenant.slug
    page = client.get(
        reverse("account-process", kwargs={"slug": slug, "keyaccount_pk": account.pk})
    )
    assert "What to do next" in page.content.decode()
    item = ProcessItem.objects.for_tenant(org_a.tenant).get(rule="confirmed")
    url = reverse(
        "process-confirm",
        kwargs={"slug": slug, "keyaccount_pk": account.pk, "processitem_pk": item.pk},
    )
    client.post(url, {"confirmed_on": TODAY.isoformat(), "note": "Asked their COO"})
    confirmation = ProcessConfirmation.objects.get(account=account, item=item)
    assert confirmation.note == "Asked their COO" and confirmation.confirmed_by == org_a.kam.user
    assert AuditEvent.objects.filter(verb="process.confirm").exists()


@pytest.mark.parametrize("role", ["leader"])
def test_a_reader_may_not_confirm(client, org_a, role):
    account = make_account(org_a)
    client.force_login(org_a.members[role].user)
    item = ProcessItem.objects.for_tenant(org_a.tenant).get(rule="confirmed")
    url = reverse(
        "process-confirm",
        kwargs={"slug": org_a.tenant.slug, "keyaccount_pk": account.pk, "processitem_pk": item.pk},
    )
    assert client.post(url, {"confirmed_on": TODAY.isoformat(), "note": "x"}).status_code == 403
