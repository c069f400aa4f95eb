import datetime

import pytest
from django.db.models import F
from django.utils import timezone

from accounts import health, recalculation
from accounts.demo import seed
from accounts.health import DEFAULT_MODEL, Inputs, score
from accounts.health.explanation import daily_scores
from accounts.models import HealthSnapshot, KeyAccount
from kamapp.rls import tenant_context
from tests.accounts.conftest import make_account, make_action

TODAY = datetime.date(2026, 11, 24)


def inputs(**fields) -> Inputs:
    return Inputs(account_id=1, tier="key", owner_id=1, renewal_date=None, review_days=90, **fields)


def component(name: str, **fields):
    return health.SCORERS[name](inputs(**fields), DEFAULT_MODEL, TODAY)


def test_customer_results_from_attainment():
    assert component("customer_results").score is None
    assert component("customer_results", attainment={1: [1.0], 2: [0.0]}).score == 100 * (
        0.7 * 0.5 + 0.3 * 0.5
    )


def test_engagement_recency_breadth_and_roles():
    assert component("engagement").score is None  # nothing ever logged: no data, not zero
    fresh = component(
        "engagement",
        interactions=9,
        last_meaningful=TODAY,
        meaningful_90=3,
        engaged_contacts=3,
        roles_engaged={"decision_maker", "economic_buyer", "champion"},
    )
    assert fresh.score == 100
    stale = component(
        "engagement",
        interactions=9,
        last_meaningful=TODAY - datetime.timedelta(days=180),  # three key cadences
        engaged_contacts=1,
    )
    assert stale.score < 20
    assert any("cadence" in hint for hint in health.hints("engagement", stale.facts))


def test_plan_vitality_falls_with_review_age():
    fresh = component("plan_vitality", last_reviewed=TODAY, revisions_recent=2)
    late = component("plan_vitality", last_reviewed=TODAY - datetime.timedelta(days=135))
    never = component("plan_vitality")
    assert fresh.score == 100 and 0 < late.score < fresh.score and never.score == 0


def test_execution_on_time_overdue_budget():
    assert component("execution").score is None
    good = component(
        "execution",
        actions=4,
        done=2,
        done_on_time=2,
        planned_budget=100.0,
        actual_cost=90.0,
    )
    bad = component(
        "execution",
        actions=4,
        done=2,
        done_on_time=0,
        overdue=5,
        planned_budget=100.0,
        actual_cost=160.0,
    )
    assert good.score == 100 and bad.score == 0


def test_sentiment_direction_counts():
    assert component("sentiment").score is None
    rising = component("sentiment", nps=[9, 7]).score
    falling = component("sentiment", nps=[9, 10]).score
    assert rising > falling


def finance(before: dict, recent: dict) -> dict:
    """Two quarters' sums in each half, as `gather` reads them."""

    def half(revenue, discounts=0, upsell=0):
        return {
            "n": 2,
            "revenue": float(revenue),
            "cost": revenue * 0.6,
            "discounts": float(discounts),
            "absorbed_costs": 0.0,
            "upsell_amount": float(upsell),
            "cross_sell_amount": 0.0,
        }

    return {"before": half(**before), "recent": half(**recent)}


def test_commercial_trend_and_leakage():
    partial = finance({"revenue": 200}, {"revenue": 200})
    partial["before"]["n"] = 1  # only three quarters on record
    assert component("commercial", finance=partial).score is None
    growing = component("commercial", finance=finance({"revenue": 200}, {"revenue": 240}))
    leaking = component(
        "commercial", finance=finance({"revenue": 200}, {"revenue": 200, "discounts": 60})
    )
    assert growing.score > 70 > leaking.score


def test_missing_components_are_left_out_and_weights_renormalised():
    plan = {"last_reviewed": TODAY, "revisions_recent": 2}
    verdict = score(inputs(**plan, actions=2, done=2, done_on_time=2), DEFAULT_MODEL, TODAY)
    assert verdict.score == 100  # only plan vitality and execution have data, both perfect
    assert verdict.components["sentiment"]["score"] is None
    assert verdict.band == "healthy"


def test_too_little_evidence_reads_not_enough_data_never_zero():
    alone = score(inputs(), DEFAULT_MODEL, TODAY)  # never reviewed: plan vitality 0, alone
    assert (alone.score, alone.band) == (None, "")
    assert "evidence on at least 2 components" in alone.missing[0]
    young = score(inputs(age_days=14, actions=2, done=2, done_on_time=2), DEFAULT_MODEL, TODAY)
    assert young.score is None and young.missing[0].startswith("30 days of history")
    assert young.components["plan_vitality"]["missing"] == "the plan's first review"


def test_bands_follow_the_model():
    assert health.band_for(70, DEFAULT_MODEL) == "healthy"
    assert health.band_for(69, DEFAULT_MODEL) == "watch"
    assert health.band_for(39, DEFAULT_MODEL) == "at_risk"
    assert health.band_for(None, DEFAULT_MODEL) == ""


def test_batch_and_single_account_agree_on_the_demo_data(org_a):
    seed(org_a.tenant, size=8)
    with tenant_context(org_a.tenant.pk):
        batch = health.gather(org_a.tenant)
        model = health.model_for(org_a.tenant)
        for account in KeyAccount.objects.for_tenant(org_a.tenant):
            _, alone = health.account_health(account)
            assert score(batch[account.pk], model) == alone


def test_recalculate_query_count_is_fixed(org_a, django_assert_max_num_queries):
    """The second run of each size is compared: both refresh the alerts the first opened."""

    def run(expected: int, limit: int):
        with tenant_context(org_a.tenant.pk), django_assert_max_num_queries(limit) as queries:
            assert recalculation.recalculate(org_a.tenant) == expected
        return len(queries.captured_queries)

    for k in range(10):
        make_account(org_a, f"Account {k}")
    run(10, 100)
    ten = run(10, 100)
    for k in range(10, 500):
        make_account(org_a, f"Account {k}")
    run(500, 100)
    assert run(500, ten) == ten  # gather: 10 queries, then one insert, one select, one update
    assert HealthSnapshot.objects.count() == 1020


@pytest.mark.parametrize("tab", ["account-health", "account-overview"])
def test_account_page_explains_the_score(client, org_a, tab):
    from django.urls import reverse

    seed(org_a.tenant, size=1)
    account = KeyAccount.objects.get(tenant=org_a.tenant)
    with tenant_context(org_a.tenant.pk):
        recalculation.recalculate(org_a.tenant)
    client.force_login(org_a.kam.user)
    page = client.get(
        reverse("account-health", kwargs={"slug": org_a.tenant.slug, "keyaccount_pk": account.pk})
    ).text
    snapshot = HealthSnapshot.objects.get(account=account)
    assert f">{snapshot.score}<small>/100" in page
    assert "Why this score" in page and "What would raise it" in page
    assert timezone.localdate().year  # the page rendered with today's data


def test_old_snapshots_thin_out_to_one_a_day(org_a):
    account = make_account(org_a)
    now = timezone.now()
    noon = now.replace(hour=12, minute=0, second=0, microsecond=0) - datetime.timedelta(days=5)
    times = {
        "recent": [now - datetime.timedelta(hours=h) for h in (1, 5, 30)],  # kept, all of them
        "day": [noon - datetime.timedelta(hours=2), noon],  # the day's last one is kept
    }
    for when in times["recent"] + times["day"]:
        HealthSnapshot.objects.create(
            tenant=org_a.tenant, account=account, score=50, computed_at=when
        )
    with tenant_context(org_a.tenant.pk):
        assert recalculation.prune_snapshots(org_a.tenant) == 1
    left = set(HealthSnapshot.objects.filter(account=account).values_list("computed_at", flat=True))
    assert left == {*times["recent"], noon}


def snapshot(account, days_ago: int, score: int, daily_best: list | None = None):
    return HealthSnapshot.objects.create(
        tenant=account.tenant,
        account=account,
        score=score,
        computed_at=timezone.now() - datetime.timedelta(days=days_ago),
        components={"engagement": {"score": score, "facts": {"days": days_ago}}},
        daily_best=[score] if daily_best is None else daily_best,
    )


def test_history_is_read_from_the_latest_snapshot_alone(org_a):
    account = make_account(org_a)
    snapshot(account, 40, 99)  # older than the latest: not read at all
    latest = snapshot(account, 3, 61, daily_best=[61, 90, None, 70])
    latest.refresh_from_db()
    assert latest.components == {"engagement": {"score": 61, "facts": {"days": 3}}}
    with tenant_context(org_a.tenant.pk):
        item = health.gather(org_a.tenant)[account.pk]
    assert item.previous_score == 61
    assert item.daily_best == [None, None, None, 61, 90, None, 70]  # moved on three days
    assert item.best_score_30d == 90


def test_bests_older_than_30_days_fall_out(org_a):
    account = make_account(org_a)
    snapshot(account, 28, 50, daily_best=[50, 95])  # the 95 was 29 days ago, the 50 28
    with tenant_context(org_a.tenant.pk):
        assert health.gather(org_a.tenant)[account.pk].best_score_30d == 95
        HealthSnapshot.objects.update(computed_at=timezone.now() - datetime.timedelta(days=29))
        assert health.gather(org_a.tenant)[account.pk].best_score_30d == 50


def established(org) -> KeyAccount:
    """An account a year old with two components of evidence: it gets a score."""
    account = make_account(org)
    KeyAccount.objects.filter(pk=account.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=365)
    )
    make_action(account, due_date=timezone.localdate() - datetime.timedelta(days=30))
    return account


def test_each_snapshot_carries_the_days_best_forward(org_a):
    account = established(org_a)
    snapshot(account, 0, 100, daily_best=[100, 80])
    snapshot(account, 0, 95, daily_best=[100, 80])
    with tenant_context(org_a.tenant.pk):
        recalculation.recalculate(org_a.tenant)
    new = HealthSnapshot.objects.filter(account=account).first()
    assert new.score < 95 and new.daily_best == [100, 80]  # today's best is still the 100
    with tenant_context(org_a.tenant.pk):
        HealthSnapshot.objects.update(computed_at=F("computed_at") - datetime.timedelta(days=1))
        recalculation.recalculate(org_a.tenant)
    newest = HealthSnapshot.objects.filter(account=account).first()
    assert newest.daily_best == [newest.score, 100, 80]


def test_a_drop_within_30_days_raises_an_alert(org_a):
    account = established(org_a)
    snapshot(account, 10, 98, daily_best=[98])
    with tenant_context(org_a.tenant.pk):
        recalculation.recalculate(org_a.tenant)
    alert = account.alerts.get(rule="health_drop")
    score = HealthSnapshot.objects.filter(account=account).first().score
    assert alert.message == f"Health fell from 98 to {score} within 30 days."


def test_gathering_as_of_a_past_day_reads_the_history_of_that_day(org_a):
    account = make_account(org_a)
    snapshot(account, 20, 90, daily_best=[90])
    snapshot(account, 1, 40, daily_best=[40])  # after the day asked about
    with tenant_context(org_a.tenant.pk):
        past = timezone.localdate() - datetime.timedelta(days=10)
        item = health.gather(org_a.tenant, today=past)[account.pk]
    assert item.previous_score == 90 and item.daily_best[10] == 90


def test_the_run_pauses_the_cycle_collector_and_restores_it(org_a):
    import gc

    make_account(org_a)
    seen = []
    health.EXTENSIONS.append(lambda inputs, ids, today: seen.append(gc.isenabled()))
    try:
        with tenant_context(org_a.tenant.pk):
            recalculation.recalculate(org_a.tenant)
    finally:
        health.EXTENSIONS.pop()
    assert seen == [False] and gc.isenabled()


def test_the_trend_shows_each_days_last_score_for_90_days(client, org_a):
    from django.urls import reverse

    account = make_account(org_a)
    noon = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    for days, hours, value in [(100, 0, 10), (2, 2, 50), (2, 0, 55), (1, 0, 60), (0, 0, 70)]:
        HealthSnapshot.objects.create(
            tenant=org_a.tenant,
            account=account,
            score=value,
            computed_at=noon - datetime.timedelta(days=days, hours=hours),
        )
    assert [value for _, value in daily_scores(account, 90)] == [55, 60, 70]
    client.force_login(org_a.kam.user)
    page = client.get(reverse("account-health", args=[org_a.tenant.slug, account.pk])).text
    assert "Trend · 90 days" in page and "a point a day" in page


def test_the_run_writes_each_accounts_current_health_beside_it(org_a):
    seed(org_a.tenant, size=1)
    account = KeyAccount.objects.get(tenant=org_a.tenant)
    with tenant_context(org_a.tenant.pk):
        recalculation.recalculate(org_a.tenant)
        latest = HealthSnapshot.objects.filter(account=account).first()
        account.refresh_from_db()
        assert (account.health_score, account.health_band) == (latest.score, latest.band)
        assert account.scored_at == latest.computed_at
        assert account.health_urgency == {"at_risk": 0, "watch": 1}.get(latest.band, 2)
        # history written behind it (the demo's back-dated weeks) leaves the current one
        inputs = health.gather(org_a.tenant)
        past = {account.pk: health.Health(score=1, band="at_risk", components={})}
        back = latest.computed_at - datetime.timedelta(days=7)
        recalculation.write_snapshots(org_a.tenant, inputs, past, at=back)
        account.refresh_from_db()
        assert (account.health_score, account.scored_at) == (latest.score, latest.computed_at)


def test_editing_an_account_never_puts_back_an_older_health_verdict(org_a):
    from accounts.models import KeyAccount
    from tests.accounts.conftest import make_account

    account = make_account(org_a, "Stale copy")
    stale = KeyAccount.objects.get(pk=account.pk)  # read before the health run writes
    KeyAccount.objects.filter(pk=account.pk).update(health_score=42, health_band="watch")
    stale.name = "Renamed"
    stale.save()
    account.refresh_from_db()
    assert (account.name, account.health_score, account.health_band) == ("Renamed", 42, "watch")
