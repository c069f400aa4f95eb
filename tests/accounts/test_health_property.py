"""Property: the set-based batch and the one-account path score every account alike."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import health
from accounts.health.inputs import _add_months, _quarter_start
from accounts.models import (
    CustomerFeedback,
    FinancialPeriod,
    Interaction,
    InteractionContact,
    KPIMeasurement,
)
from kamapp.rls import tenant_context
from tests.accounts.conftest import (
    make_account,
    make_action,
    make_contact,
    make_kpi,
    make_objective,
)

TODAY = timezone.localdate()
days = st.integers(min_value=0, max_value=400)
account_shape = st.fixed_dictionaries(
    {
        "measurements": st.lists(st.tuples(days, st.integers(0, 60)), max_size=4),
        "interactions": st.lists(st.tuples(days, st.booleans()), max_size=5),
        "contacts": st.integers(0, 3),
        "actions": st.lists(
            st.tuples(
                st.integers(-60, 60),
                st.sampled_from(["planned", "in_progress", "done", "cancelled"]),
                st.integers(0, 2000),
            ),
            max_size=4,
        ),
        "nps": st.lists(st.integers(0, 10), max_size=3),
        "quarters": st.lists(st.integers(1, 9).map(lambda n: n * 1000), max_size=5),
        "reviewed": st.one_of(st.none(), days),
    }
)


def build(org, index: int, shape: dict) -> None:
    account = make_account(org, f"Generated {index}")
    if shape["reviewed"] is not None:
        account.plan.last_reviewed_at = timezone.now() - datetime.timedelta(days=shape["reviewed"])
        account.plan.next_review_due = TODAY + datetime.timedelta(days=90 - shape["reviewed"])
        account.plan.save()
    kpi = make_kpi(make_objective(account))
    for day, value in shape["measurements"]:
        KPIMeasurement.objects.create(
            tenant=org.tenant, kpi=kpi, value=value, date=TODAY - datetime.timedelta(days=day)
        )
    contacts = [
        make_contact(account, f"C{n}", buying_role="champion") for n in range(shape["contacts"])
    ]
    for day, meaningful in shape["interactions"]:
        interaction = Interaction.objects.create(
            tenant=org.tenant,
            account=account,
            summary="x",
            meaningful=meaningful,
            date=TODAY - datetime.timedelta(days=day),
        )
        for contact in contacts[:2]:
            InteractionContact.objects.create(
                tenant=org.tenant, interaction=interaction, contact=contact
            )
    for offset, status, budget in shape["actions"]:
        due = TODAY + datetime.timedelta(days=offset)
        make_action(
            account,
            status=status,
            due_date=due,
            planned_budget=Decimal(budget),
            actual_cost=Decimal(budget) * Decimal("1.1"),
            done_date=due if status == "done" else None,
        )
    for n, nps in enumerate(shape["nps"]):
        CustomerFeedback.objects.create(
            tenant=org.tenant,
            account=account,
            nps=nps,
            date=TODAY - datetime.timedelta(days=30 * n),
        )
    start = _quarter_start(TODAY)
    for n, revenue in enumerate(shape["quarters"]):
        FinancialPeriod.objects.create(
            tenant=org.tenant,
            account=account,
            period_start=_add_months(start, -3 * (n + 1)),
            revenue=revenue,
            cost=revenue // 2,
            discounts=revenue // 10,
        )


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(shapes=st.lists(account_shape, min_size=1, max_size=4))
def test_batch_equals_single_account(org_a, shapes):
    with transaction.atomic():
        for index, shape in enumerate(shapes):
            build(org_a, index, shape)
        with tenant_context(org_a.tenant.pk):
            model = health.model_for(org_a.tenant)
            batch = health.gather(org_a.tenant)
            for pk, inputs in batch.items():
                alone = health.gather(org_a.tenant, [pk])[pk]
                assert health.score(inputs, model) == health.score(alone, model)
        transaction.set_rollback(True)
