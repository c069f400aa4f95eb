"""Small factories for account tests. Test code sees all tenants (see tests/conftest.py)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import (
    KPI,
    AccountPlan,
    Action,
    Contact,
    CustomerFeedback,
    Interaction,
    InteractionContact,
    KeyAccount,
    KPIMeasurement,
    Objective,
    ProcessConfirmation,
    ProcessItem,
)


def make_account(org, name: str = "Globex Corporation", owner=None, **fields) -> KeyAccount:
    account = KeyAccount.objects.create(
        tenant=org.tenant,
        name=name,
        owner=owner or org.kam,
        industry="Manufacturing",
        contract_value=Decimal("1200000"),
        renewal_date=timezone.localdate() + datetime.timedelta(days=120),
        **fields,
    )
    AccountPlan.objects.create(tenant=org.tenant, account=account, summary="Grow with them.")
    return account


def make_contact(account, name: str = "Dana Scully", **fields) -> Contact:
    return Contact.objects.create(tenant=account.tenant, account=account, name=name, **fields)


def make_objective(account, title: str = "Cut downtime", **fields) -> Objective:
    return Objective.objects.create(tenant=account.tenant, account=account, title=title, **fields)


def make_kpi(objective, baseline="40", target="20", **fields) -> KPI:
    fields.setdefault("direction", "down" if Decimal(target) < Decimal(baseline) else "up")
    return KPI.objects.create(
        tenant=objective.tenant,
        objective=objective,
        name=fields.pop("name", "Downtime"),
        unit="h",
        baseline=Decimal(baseline),
        target=Decimal(target),
        **fields,
    )


def make_action(account, title: str = "Run a workshop", **fields) -> Action:
    return Action.objects.create(tenant=account.tenant, account=account, title=title, **fields)


def follow_process(account, org) -> None:
    """Give the account every fact the default process checks."""
    today = timezone.localdate()
    objective = make_objective(account)
    kpi = make_kpi(objective)
    KPIMeasurement.objects.create(tenant=org.tenant, kpi=kpi, date=today, value=30)
    make_action(account, owner=org.kam, due_date=today + datetime.timedelta(days=10))
    meeting = Interaction.objects.create(
        tenant=org.tenant, account=account, kind=Interaction.Kind.QBR, summary="QBR", date=today
    )
    for role in (Contact.BuyingRole.ECONOMIC_BUYER, Contact.BuyingRole.DECISION_MAKER):
        contact = make_contact(account, name=role, buying_role=role)
        InteractionContact.objects.create(tenant=org.tenant, interaction=meeting, contact=contact)
    CustomerFeedback.objects.create(tenant=org.tenant, account=account, nps=9, date=today)
    account.plan.next_review_due = today + datetime.timedelta(days=30)
    account.plan.save()
    item = ProcessItem.objects.for_tenant(org.tenant).get(rule=ProcessItem.Rule.CONFIRMED)
    ProcessConfirmation.objects.create(
        tenant=org.tenant, account=account, item=item, note="Priorities agreed"
    )


@pytest.fixture
def account(org_a) -> KeyAccount:
    return make_account(org_a)


def bulk_accounts(org, n: int, start: int = 0, cell=None) -> list[KeyAccount]:
    """`n` accounts with plans and a health snapshot each, in a few bulk inserts; `cell(k)`
    gives the k-th account's (stage, maturity) to record an assessment for it (rpm tests)."""
    from accounts.models import HealthSnapshot

    today = timezone.localdate()
    accounts = KeyAccount.objects.bulk_create(
        KeyAccount(
            tenant=org.tenant,
            name=f"Account {k:05}",
            owner=org.kam,
            industry="Manufacturing",
            contract_value=Decimal("1000"),
            renewal_date=today + datetime.timedelta(days=k % 400),
            # the latest snapshot's verdict, as the health run writes it beside the account
            health_score=40 + k % 50,
            health_band=["healthy", "watch"][k % 2],
            health_urgency=[2, 1][k % 2],
        )
        for k in range(start, start + n)
    )
    AccountPlan.objects.bulk_create(
        AccountPlan(tenant=org.tenant, account=a, next_review_due=today) for a in accounts
    )
    HealthSnapshot.objects.bulk_create(
        HealthSnapshot(tenant=org.tenant, account=a, score=a.health_score, band=a.health_band)
        for a in accounts
    )
    if cell is not None:
        from rpm.models import Assessment

        Assessment.objects.bulk_create(
            Assessment(
                tenant=org.tenant,
                account=a,
                stage=cell(start + k)[0],
                maturity=cell(start + k)[1],
                assessed_on=today,
            )
            for k, a in enumerate(accounts)
        )
    return accounts
