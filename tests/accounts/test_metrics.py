import datetime
from decimal import Decimal as D

import pytest

from accounts import metrics

TODAY = datetime.date(2026, 11, 24)


@pytest.mark.parametrize(
    "baseline,target,value,expected",
    [
        (40, 20, 30, 0.5),  # lower is better: halfway down
        (40, 20, 45, 0.0),  # moved the wrong way: clamped at 0
        (40, 20, 10, 1.0),  # beyond target: clamped at 1
        (88, 96, 92, 0.5),  # higher is better
        (88, 96, None, None),  # no measurement
        (5, 5, 7, None),  # no distance to travel
    ],
)
def test_attainment(baseline, target, value, expected):
    assert metrics.attainment(baseline, target, value) == expected


def test_overdue_on_time_on_budget():
    past = TODAY - datetime.timedelta(days=1)
    assert metrics.is_overdue(past, "planned", TODAY)
    assert not metrics.is_overdue(past, "done", TODAY)
    assert not metrics.is_overdue(None, "planned", TODAY)
    assert metrics.on_time(TODAY, TODAY, "done") is True
    assert metrics.on_time(past, TODAY, "done") is False
    assert metrics.on_time(TODAY, None, "in_progress") is None
    assert metrics.on_budget(D(100), D(100)) is True
    assert metrics.on_budget(D(100), D(101)) is False
    assert metrics.on_budget(None, D(5)) is None


def test_margin_takes_discounts_and_absorbed_costs():
    assert metrics.margin(D(1000), D(600), D(100), D(50)) == D(250)
    assert metrics.margin_pct(D(1000), D(600), D(100), D(50)) == 0.25
    assert metrics.margin_pct(D(0), D(0), D(0), D(0)) is None


def test_review_cadence_and_staleness():
    assert metrics.review_days({}, "key") == 90
    assert metrics.review_days({"plan_review_days": 30}, "key") == 30
    assert metrics.review_days({"plan_review_days": {"strategic": 60}}, "strategic") == 60
    assert metrics.review_days({"plan_review_days": {"strategic": 60}}, "key") == 90
    assert metrics.is_stale(None, TODAY)
    assert metrics.is_stale(TODAY - datetime.timedelta(days=1), TODAY)
    assert not metrics.is_stale(TODAY, TODAY)
