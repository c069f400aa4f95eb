"""Objectives achieved and renewals renewed / lost as review criteria: each period's count,
the change against the period before, handovers, and the lost-renewal red flag."""

import datetime
from decimal import Decimal

from accounts.models import AccountHandover, Renewal
from reviews import evidence, scorecard
from reviews.models import ReviewCycle
from tests.accounts.conftest import make_account, make_objective

START, END = datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)
BEFORE = datetime.date(2026, 4, 1)  # the period before: 1 Apr – 30 Jun
day = datetime.date


def cycle(org) -> ReviewCycle:
    return ReviewCycle.objects.create(
        tenant=org.tenant, name="Q3", period_start=START, period_end=END
    )


def goal(account, target, status="active", achieved_on=None):
    return make_objective(
        account, title=f"Goal {target}", target_date=target, status=status, achieved_on=achieved_on
    )


def renewal(account, due_on, outcome, value="100000"):
    return Renewal.objects.create(
        tenant=account.tenant, account=account, due_on=due_on, outcome=outcome, value=value
    )


def outcomes(account) -> None:
    """An objective achieved and a renewal lost in the period, one of each the period before:
    for the query counts."""
    goal(account, day(2026, 8, 1), "achieved", day(2026, 7, 20))
    goal(account, day(2026, 5, 1))
    renewal(account, day(2026, 9, 15), Renewal.Outcome.LOST)
    renewal(account, day(2026, 5, 15), Renewal.Outcome.RENEWED)


def test_objectives_achieved_in_the_period_against_the_period_before(org_a):
    account = make_account(org_a)
    goal(account, day(2026, 8, 1), "achieved", day(2026, 7, 20))  # due and achieved in it
    goal(account, day(2026, 9, 1))  # due, still open: missed
    goal(account, day(2026, 12, 1), "achieved", day(2026, 9, 10))  # achieved early: counts
    goal(account, day(2026, 9, 15), "dropped")  # named, not held against the share
    goal(account, day(2026, 9, 20), "achieved", day(2026, 6, 1))  # credited to the period before
    goal(account, day(2026, 8, 20), "achieved", day(2026, 10, 3))  # after the period: missed
    goal(account, day(2027, 1, 1))  # not due yet: not looked at
    goal(account, day(2026, 5, 1), "achieved", day(2026, 5, 2))  # the period before
    goal(account, day(2026, 6, 1))  # the period before, missed

    facts = evidence.evidence(org_a.tenant, [org_a.kam], cycle(org_a))[org_a.kam.pk]
    assert facts["objectives"] == {"due": 4, "achieved": 2, "dropped": 1}
    assert facts["earlier"]["objectives"] == {"due": 3, "achieved": 2, "dropped": 0}
    result = scorecard.measure("objectives", facts)
    assert (result["score"], result["start"], result["change"]) == (50, 67, 50 - 67)
    assert result["value"] == "2 of 4 objectives due achieved, 1 dropped"
    assert result["since"] == "in the period before"
    assert result["origin"] == "kam" and result["origin_label"] == "logged by the KAM"


def test_renewals_renewed_lost_and_undecided_with_the_rate_and_lost_value(org_a):
    account = make_account(org_a)
    renewal(account, day(2026, 7, 15), Renewal.Outcome.RENEWED)
    renewal(account, day(2026, 8, 15), Renewal.Outcome.RENEWED)
    renewal(account, day(2026, 9, 15), Renewal.Outcome.LOST, value="250000")
    renewal(account, day(2026, 9, 29), Renewal.Outcome.PENDING)
    renewal(account, day(2026, 5, 15), Renewal.Outcome.LOST)  # the period before
    renewal(account, day(2026, 12, 1), Renewal.Outcome.LOST)  # later: not in either

    found = evidence.evidence(org_a.tenant, [org_a.kam], cycle(org_a))[org_a.kam.pk]
    result = scorecard.measure("renewals", found)
    assert (result["score"], result["start"], result["change"]) == (67, 0, 67)
    assert result["value"] == (
        "2 renewed, 1 lost, 1 undecided of 4 due: 67% renewal rate; 250,000 EUR lost"
    )
    assert found["renewals"]["lost_value"] == {"EUR": Decimal("250000")}
    (flag,) = [f for f in found["flags"] if f["rule"] == "renewal_lost"]
    assert flag["account"] == account.name and flag["severity"] == "high"
    assert flag["message"] == "The renewal due 15 Sep 2026 was lost (250,000 EUR)."


def test_near_misses_of_the_lost_renewal_flag(org_a):
    account = make_account(org_a)
    renewal(account, day(2026, 6, 30), Renewal.Outcome.LOST)  # the day before the period
    renewal(account, day(2026, 10, 1), Renewal.Outcome.LOST)  # the day after
    renewal(account, day(2026, 8, 1), Renewal.Outcome.PENDING)  # due, not lost (yet)
    renewal(account, day(2026, 9, 1), Renewal.Outcome.RENEWED)
    found = evidence.evidence(org_a.tenant, [org_a.kam], cycle(org_a))[org_a.kam.pk]
    assert [f for f in found["flags"] if f["rule"] == "renewal_lost"] == []
    assert scorecard.measure("renewals", found)["score"] == 100


def test_nothing_due_reads_no_data_not_zero(org_a):
    account = make_account(org_a)
    renewal(account, day(2026, 8, 1), Renewal.Outcome.PENDING)  # due, undecided
    found = evidence.evidence(org_a.tenant, [org_a.kam], cycle(org_a))[org_a.kam.pk]
    assert scorecard.measure("renewals", found) is None
    assert scorecard.measure("objectives", found) is None


def test_an_account_taken_over_counts_from_the_handover(org_a):
    other = org_a.add("kam", manager=org_a.supervisor, email="other@acme.test")
    taken = make_account(org_a, "Taken over")
    AccountHandover.objects.create(
        tenant=org_a.tenant, account=taken, from_owner=other, to_owner=org_a.kam,
        date=day(2026, 8, 15),
    )  # fmt: skip
    goal(taken, day(2026, 8, 1))  # before the handover: the earlier KAM's miss
    goal(taken, day(2026, 9, 1), "achieved", day(2026, 8, 30))
    renewal(taken, day(2026, 7, 20), Renewal.Outcome.LOST)  # before the handover
    renewal(taken, day(2026, 9, 20), Renewal.Outcome.RENEWED)
    renewal(taken, day(2026, 5, 20), Renewal.Outcome.RENEWED)  # the period before: not theirs
    kept = make_account(org_a, "Kept")
    renewal(kept, day(2026, 5, 20), Renewal.Outcome.LOST)  # their own period before
    renewal(kept, day(2026, 8, 20), Renewal.Outcome.RENEWED)

    found = evidence.evidence(org_a.tenant, [org_a.kam, other], cycle(org_a))
    mine = found[org_a.kam.pk]
    assert mine["objectives"] == {"due": 1, "achieved": 1, "dropped": 0}
    assert (mine["renewals"]["renewed"], mine["renewals"]["lost"]) == (2, 0)
    assert (mine["earlier"]["renewals"]["renewed"], mine["earlier"]["renewals"]["lost"]) == (0, 1)
    assert not [f for f in mine["flags"] if f["rule"] == "renewal_lost"]
    assert found[other.pk]["renewals"]["due"] == 0  # reviews look at the portfolio at the end
    result = scorecard.measure("renewals", mine)
    assert (result["score"], result["change"]) == (100, 100)


def test_the_default_scorecard_counts_renewals_and_the_review_labels_them(client, org_a):
    from reviews import workflow

    account = make_account(org_a)
    renewal(account, day(2026, 8, 1), Renewal.Outcome.LOST)
    opened = workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q3 2026", START, END)
    review = opened.reviews.get(kam=org_a.kam)
    client.force_login(org_a.supervisor.user)
    page = client.get(f"/o/{org_a.tenant.slug}/reviews/{review.pk}/")
    row = next(c for c in scorecard.criteria(page.context["card"]["sections"])
               if c["key"] == "renewals")  # fmt: skip
    assert row["metric_result"]["score"] == 0
    assert "0 renewed, 1 lost of 1 due" in page.text and "logged by the KAM" in page.text
    assert "The renewal due 1 Aug 2026 was lost" in page.text
    assert "objectives" in dict(scorecard.metric_choices())
