"""The dashboards' reads that avoid scanning every alert or assessment give the same answers."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import KeyAccount, RiskAlert
from dashboards import indicators
from dashboards.leadership import top_risks
from rpm.models import Assessment
from tests.accounts.conftest import make_account

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _alert(account, rule: str, severity: str, status: str = "open") -> RiskAlert:
    return RiskAlert.objects.create(
        tenant=account.tenant, account=account, rule=rule, severity=severity, status=status,
        message=rule, action="Act", owner=account.owner,
    )  # fmt: skip


def test_top_risks_are_the_most_serious_then_the_most_money(org_a):
    small, big, middle = (make_account(org_a, name) for name in ("Small", "Big", "Middle"))
    for account, value in [(small, 1000), (big, 5000), (middle, 3000)]:
        account.contract_value = Decimal(value)
        account.save()
    _alert(small, "no_contact", "high")
    _alert(big, "silence", "medium")
    _alert(middle, "no_contact", "high")
    _alert(big, "plan_stale", "low")
    _alert(big, "no_contact", "high", status="resolved")
    found = [(r.account.name, r.severity) for r in top_risks(org_a.tenant)]
    assert found == [("Middle", "high"), ("Small", "high"), ("Big", "medium"), ("Big", "low")]
    assert [r.account.name for r in top_risks(org_a.tenant, limit=1)] == ["Middle"]


def test_rpm_indicators_count_moves_since_the_quarter_began(org_a):
    quarter = indicators.quarter_start(TODAY)

    def assess(account, stage, maturity, on):
        Assessment.objects.create(
            tenant=org_a.tenant, account=account, stage=stage, maturity=maturity, assessed_on=on
        )

    up, down, old = (make_account(org_a, name) for name in ("Up", "Down", "Old"))
    assess(up, 1, 1, quarter - datetime.timedelta(days=30))
    assess(up, 5, 4, quarter)
    assess(down, 5, 4, quarter - datetime.timedelta(days=30))
    assess(down, 1, 1, quarter)
    assess(old, 1, 1, quarter - datetime.timedelta(days=60))
    assess(old, 5, 4, quarter - datetime.timedelta(days=30))  # moved, but before the quarter
    # dated in the next quarter: its cell before this one is looked up, not the stored one
    ahead = make_account(org_a, "Ahead")
    assess(ahead, 1, 1, quarter - datetime.timedelta(days=30))
    assess(ahead, 3, 1, quarter + datetime.timedelta(days=10))
    assess(ahead, 5, 4, quarter + datetime.timedelta(days=100))
    found = indicators.rpm(org_a.tenant, [org_a.kam.pk], TODAY)[org_a.kam.pk]
    assert (found.assessed, found.up, found.down, found.top) == (4, 2, 1, 3)
    assert found.by_level == {1: 1, 2: 0, 3: 3}
    stored = KeyAccount.objects.filter(pk__in=[up.pk, ahead.pk]).order_by("name")
    assert [(a.rpm_quarter_stage, a.rpm_quarter_maturity) for a in stored] == [(3, 1), (1, 1)]
