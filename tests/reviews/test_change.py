"""Change over the period: levels, changes, improvement, handovers, and the red flags that
need two points in time."""

import copy
import datetime
from decimal import Decimal

from django.urls import reverse

from accounts import health
from accounts.models import AccountHandover, KPIMeasurement
from reviews import evidence, scorecard
from reviews.models import ReviewCycle
from tests.accounts.conftest import make_account, make_kpi, make_objective
from tests.accounts.test_account_form import form_data

START, END = datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)


def verdict(score, **components) -> health.Health:
    parts = {name: {"score": None, "facts": {}} for name in health.COMPONENTS}
    parts.update(components)
    return health.Health(score, health.band_for(score, health.DEFAULT_MODEL), parts)


def facts(start: list, end: list) -> dict:
    return {
        "verdicts": [verdict(s) for s in end],
        "start_verdicts": [verdict(s) for s in start],
        "feedback": [],
        "accounts": [],
        "flags": [],
    }


def test_customer_results_reward_improvement_as_well_as_level():
    improver = scorecard.measure("health", facts(start=[20, 40], end=[40, 60]))
    # level 50, +20 is full improvement (100): the mean 75 beats the level
    assert (improver["level"], improver["start"], improver["change"]) == (50, 30, 20)
    assert improver["score"] == 75
    steady = scorecard.measure("health", facts(start=[80], end=[80]))
    assert steady["change"] == 0 and steady["score"] == 80  # a high level stands on its own
    faller = scorecard.measure("health", facts(start=[80], end=[60]))
    assert faller["change"] == -20 and faller["score"] == 60  # judged on the level alone
    small = scorecard.measure("health", facts(start=[45], end=[50]))
    assert small["score"] == round((50 + 62.5) / 2)  # +5 of 20: improvement 62.5 (half to even)


def test_other_metrics_show_change_but_score_the_level():
    def engaged(score):
        return verdict(50, plan_vitality={"score": score, "facts": {}})

    result = scorecard.measure(
        "plan",
        {"verdicts": [engaged(70)], "start_verdicts": [engaged(40)], "feedback": []},
    )
    assert (result["score"], result["change"]) == (70, 30)
    nothing_before = scorecard.measure("health", {"verdicts": [verdict(70)], "feedback": []})
    assert nothing_before["change"] is None and nothing_before["score"] == 70


def test_the_scorecard_carries_each_criterions_change():
    card = scorecard.build(copy.deepcopy(scorecard.DEFAULT), facts([30], [50]), {})
    health_row = next(
        c for c in scorecard.criteria(card["sections"]) if c["key"] == "account_health"
    )
    assert health_row["metric_result"]["change"] == 20 and health_row["score"] == 75
    assert card["sections"][0]["score"] == 75  # the only scored customer criterion


def kpi_values(account, values: dict[datetime.date, str]):
    kpi = make_kpi(make_objective(account), baseline="0", target="100")
    for day, value in values.items():
        KPIMeasurement.objects.create(
            tenant=account.tenant, kpi=kpi, date=day, value=Decimal(value)
        )


def test_an_account_taken_over_counts_from_the_handover(org_a):
    other = org_a.add("kam", manager=org_a.supervisor, email="other@acme.test")
    handover = datetime.date(2026, 8, 15)
    values = {START: "10", handover: "40", END: "80"}
    taken = make_account(org_a, "Taken over")  # org_a.kam's since mid-August
    kpi_values(taken, values)
    AccountHandover.objects.create(
        tenant=org_a.tenant, account=taken, from_owner=other, to_owner=org_a.kam, date=handover
    )
    given = make_account(org_a, "Given away", owner=other)  # org_a.kam's until September
    AccountHandover.objects.create(
        tenant=org_a.tenant,
        account=given,
        from_owner=org_a.kam,
        to_owner=other,
        date=datetime.date(2026, 10, 5),  # after the period: still org_a.kam's at its end
    )
    kpi_values(given, values)
    cycle = ReviewCycle.objects.create(
        tenant=org_a.tenant, name="Q3", period_start=START, period_end=END
    )
    found = evidence.evidence(org_a.tenant, [org_a.kam, other], cycle)

    mine = {a["name"]: a for a in found[org_a.kam.pk]["accounts"]}
    assert set(mine) == {"Taken over", "Given away"} and found[other.pk]["accounts"] == []
    assert mine["Taken over"]["since"] == "2026-08-15" and mine["Given away"]["since"] is None
    attainment = scorecard.measure("attainment", found[org_a.kam.pk])
    # the taken-over account from 40% at the handover, the other from 10% at the start
    assert attainment["start"] == round(100 * (0.4 + 0.1) / 2) and attainment["level"] == 80
    assert attainment["change"] == 80 - 25


def test_changing_the_owner_records_a_handover(client, org_a):
    account = make_account(org_a)
    other = org_a.add("kam", manager=org_a.supervisor, email="other@acme.test")
    client.force_login(org_a.supervisor.user)
    edit = reverse("account-edit", args=[org_a.tenant.slug, account.pk])
    client.post(edit, form_data(org_a, owner=other.pk))
    client.post(edit, form_data(org_a, owner=other.pk, name="Renamed"))  # same owner: no new row
    (row,) = AccountHandover.objects.all()
    assert (row.from_owner, row.to_owner, row.recorded_by) == (
        org_a.kam,
        other,
        org_a.supervisor.user,
    )


def test_the_same_account_troubled_two_periods_running_is_a_red_flag():
    (flag,) = evidence.flags_over_time(verdict(60), verdict(50), verdict(42))
    assert flag["rule"] == "consistently_underperforming" and "60 → 50 → 42" in flag["message"]
    assert evidence.flags_over_time(verdict(35), verdict(30), verdict(38))  # at risk throughout


def test_near_misses_of_the_two_period_flag():
    # declined this period only (the one before moved within 5 points)
    assert evidence.flags_over_time(verdict(60), verdict(56), verdict(42)) == []
    # declined before, recovered now
    assert evidence.flags_over_time(verdict(70), verdict(50), verdict(55)) == []
    # taken over in the period: the period before was someone else's
    assert evidence.flags_over_time(None, verdict(30), verdict(20)) == []


def money(leakage: float, mood: int) -> health.Health:
    return verdict(
        60,
        commercial={"score": 50, "facts": {"leakage": leakage}},
        sentiment={"score": mood, "facts": {}},
    )


def test_discounts_rising_while_satisfaction_falls_is_a_red_flag():
    (flag,) = evidence.flags_over_time(None, money(0.05, 80), money(0.12, 60))
    assert flag["rule"] == "buying_satisfaction"
    assert "from 5% to 12% of revenue" in flag["message"] and "80 → 60" in flag["message"]


def test_near_misses_of_the_discount_flag():
    assert evidence.flags_over_time(None, money(0.05, 80), money(0.12, 85)) == []  # happier
    assert evidence.flags_over_time(None, money(0.05, 80), money(0.06, 60)) == []  # +1 point
    assert evidence.flags_over_time(None, money(0.12, 80), money(0.05, 60)) == []  # falling


def finalised(org, cycle_name: str, start, end, overall: int, customer: int):
    from reviews import workflow

    cycle = workflow.open_cycle(org.tenant, org.leader.user, cycle_name, start, end)
    review = cycle.reviews.get(kam=org.kam)
    card = scorecard.build(copy.deepcopy(scorecard.DEFAULT), facts([], []), {})
    card["sections"][0]["score"] = customer
    scorecard.criteria(card["sections"])[1]["score"] = customer  # account health
    card["overall"] = overall
    review.status, review.scorecard, review.overall = "finalised", card, overall
    review.save()
    return review


def test_the_history_shows_each_review_and_its_change(client, org_a, org_b):
    finalised(org_a, "Q2 2026", datetime.date(2026, 4, 1), datetime.date(2026, 6, 30), 55, 50)
    latest = finalised(org_a, "Q3 2026", START, END, 62, 70)
    url = reverse("kam-history", args=[org_a.tenant.slug, org_a.kam.pk])
    client.force_login(org_a.supervisor.user)
    page = client.get(url)
    assert [r.change for r in page.context["history"].reviews] == [None, 7]
    assert "<svg" in page.text and "Customer results" in page.text and "+7" in page.text
    review_page = client.get(reverse("review-detail", args=[org_a.tenant.slug, latest.pk]))
    health_row = next(
        c
        for s in review_page.context["card"]["sections"]
        for c in s["criteria"]
        if c["key"] == "account_health"
    )
    assert health_row["since_previous"] == 20  # 50 → 70 since the Q2 review

    peer = org_a.add("kam", email="peer@acme.test")
    client.force_login(peer.user)
    assert client.get(url).status_code == 404  # a colleague outside their tree
    assert (
        client.get(reverse("kam-history", args=[org_a.tenant.slug, org_b.kam.pk])).status_code
        == 404
    )
