import datetime

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from accounts import recalculation, rollups
from accounts.demo import health_history
from accounts.models import HealthSnapshot, KamDay, KeyAccount
from kamapp.demo import seed_apps
from kamapp.models import Role
from tests.accounts.conftest import make_account

pytestmark = pytest.mark.django_db


def team_url(org, **kwargs) -> str:
    return reverse("team", kwargs={"slug": org.tenant.slug, **kwargs})


def kam_url(org, member) -> str:
    return reverse("team-kam", kwargs={"slug": org.tenant.slug, "membership_pk": member.pk})


def leadership_url(org) -> str:
    return reverse("leadership", kwargs={"slug": org.tenant.slug})


def grow(org, kams: int, accounts_each: int) -> None:
    """More KAMs under the supervisor, each with accounts, then a health run."""
    for n in range(kams):
        member = org.add(Role.KAM, manager=org.supervisor, email=f"kam{n}@{org.tenant.slug}.test")
        for m in range(accounts_each):
            make_account(org, f"Grown {n}-{m}", owner=member)
    recalculation.recalculate(org.tenant)


def test_the_health_run_writes_one_row_per_kam_and_tier_each_day(org_a):
    seed_apps(org_a.tenant, size=6)  # demo rows, then a health run
    recalculation.recalculate(org_a.tenant)  # a second run the same day replaces, not adds
    today = timezone.localdate()
    rows = KamDay.objects.filter(tenant=org_a.tenant, day=today)
    accounts = KeyAccount.objects.filter(tenant=org_a.tenant).active()
    assert rows.count() == accounts.values("owner", "tier").distinct().count()
    totals = rows.aggregate(n=Sum("accounts"), value=Sum("contract_value"), scored=Sum("scored"))
    assert totals["n"] == accounts.count()
    assert totals["value"] == accounts.aggregate(v=Sum("contract_value"))["v"]
    bands = rows.aggregate(h=Sum("healthy"), w=Sum("watch"), r=Sum("at_risk"))
    assert sum(bands.values()) == totals["scored"]
    latest = HealthSnapshot.objects.filter(tenant=org_a.tenant).order_by("-computed_at")
    scores = {s.account_id: s.score for s in latest[: accounts.count()]}
    assert rows.aggregate(s=Sum("health_sum"))["s"] == sum(v for v in scores.values() if v)


def test_backfill_rebuilds_the_days_the_snapshots_kept(org_a):
    seed_apps(org_a.tenant, size=4)
    HealthSnapshot.objects.filter(tenant=org_a.tenant).delete()
    KamDay.objects.filter(tenant=org_a.tenant).delete()
    health_history(org_a.tenant, weeks=3)  # weekly snapshots, then the backfill
    days = set(KamDay.objects.filter(tenant=org_a.tenant).values_list("day", flat=True))
    today = timezone.localdate()
    assert {today - datetime.timedelta(weeks=w) for w in (1, 2, 3)} <= days
    assert rollups.backfill(org_a.tenant) > 0  # safe to run again: rows replaced


def test_supervisor_sees_their_tree_only(client, org_a):
    seed_apps(org_a.tenant, size=3)
    stranger = org_a.add(Role.KAM, email="stranger@acme.test")  # reports to nobody
    make_account(org_a, "Stranger's account", owner=stranger)
    recalculation.recalculate(org_a.tenant)
    client.force_login(org_a.supervisor.user)
    page = client.get(team_url(org_a))
    assert page.status_code == 200
    assert org_a.kam.user.full_name in page.text
    assert str(kam_url(org_a, stranger)) not in page.text
    assert client.get(kam_url(org_a, org_a.kam)).status_code == 200
    assert client.get(kam_url(org_a, stranger)).status_code == 404
    client.force_login(org_a.leader.user)
    assert kam_url(org_a, stranger) in client.get(team_url(org_a)).text


def test_a_kam_sees_their_own_page_only(client, org_a, org_b):
    other = org_a.add(Role.KAM, manager=org_a.supervisor, email="other@acme.test")
    client.force_login(org_a.kam.user)
    assert client.get(team_url(org_a)).status_code == 403  # the team board is not theirs
    assert client.get(kam_url(org_a, org_a.kam)).status_code == 200
    assert client.get(kam_url(org_a, other)).status_code == 404
    client.force_login(org_a.leader.user)
    assert client.get(kam_url(org_a, org_b.kam)).status_code == 404  # another tenant's


def test_team_dashboard_shows_the_indicators_and_filters_over_htmx(client, org_a):
    seed_apps(org_a.tenant, size=6)
    HealthSnapshot.objects.filter(tenant=org_a.tenant).delete()
    health_history(org_a.tenant, weeks=4)  # a past for the sparkline
    client.force_login(org_a.supervisor.user)
    page = client.get(team_url(org_a))
    row = page.context["rows"][0]
    assert row.kam == org_a.kam and row.now.accounts == 6
    for label in ("Mean health", "High alerts", "Key roles", "Revenue", "NPS", "RPM"):
        assert label in page.text
    assert 'class="sparkline"' in page.text and ": mean health " in page.text  # + its text
    fragment = client.get(
        team_url(org_a), {"tier": "strategic", "sort": "-health"}, headers={"HX-Request": "true"}
    )
    assert "HX-Request" in fragment["Vary"]
    assert "<html" not in fragment.text and "<table" in fragment.text
    strategic = KeyAccount.objects.filter(tenant=org_a.tenant, tier="strategic").count()
    assert fragment.context["rows"][0].now.accounts == strategic


def test_team_dashboard_query_count_is_constant_in_accounts_and_kams(
    client, org_a, django_assert_max_num_queries
):
    seed_apps(org_a.tenant, size=3)
    client.force_login(org_a.supervisor.user)
    # session, membership, tenant context; the tree walk (one per level); the KAMs; rollup
    # days, figures and sparklines; the RPM; the cycle and its reviews; the navigation counts
    with django_assert_max_num_queries(30) as small:
        assert client.get(team_url(org_a)).status_code == 200
    grow(org_a, kams=4, accounts_each=5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(team_url(org_a))
    assert len(page.context["rows"]) == 5


def test_kam_page_query_count_is_constant_and_accounts_paginate(
    client, org_a, django_assert_max_num_queries
):
    seed_apps(org_a.tenant, size=3)
    client.force_login(org_a.supervisor.user)
    with django_assert_max_num_queries(30) as small:
        page = client.get(kam_url(org_a, org_a.kam))
    assert page.status_code == 200 and "quarter" in page.text
    for n in range(30):
        make_account(org_a, f"More {n}")
    recalculation.recalculate(org_a.tenant)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(kam_url(org_a, org_a.kam))
    assert len(page.context["page"].object_list) == 25
    assert page.context["page"].paginator.count == 33


def test_leadership_dashboard(client, org_a, django_assert_max_num_queries):
    seed_apps(org_a.tenant, size=6)
    client.force_login(org_a.supervisor.user)
    assert client.get(leadership_url(org_a)).status_code == 403
    client.force_login(org_a.leader.user)
    with django_assert_max_num_queries(30) as small:
        page = client.get(leadership_url(org_a), {"period": "30"})
    assert page.status_code == 200
    assert page.context["summary"] and "Mean account health" in page.context["summary"][0]
    assert page.context["now"].accounts == 6
    assert page.context["teams"][0]["supervisor"] == org_a.supervisor
    grow(org_a, kams=3, accounts_each=4)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(leadership_url(org_a))
    assert page.context["now"].accounts == 18


def test_revenue_at_risk_counts_renewals_in_the_next_180_days(org_a):
    soon = make_account(org_a, "Soon")  # renews in 120 days
    later = make_account(org_a, "Later")
    later.renewal_date = timezone.localdate() + datetime.timedelta(days=400)
    later.save()
    recalculation.recalculate(org_a.tenant)
    row = KamDay.objects.get(tenant=org_a.tenant, membership=org_a.kam)
    parts = ("healthy", "watch", "at_risk", "unscored")
    assert sum(getattr(row, f"renewing_{p}") for p in parts) == soon.contract_value
    assert row.contract_value == soon.contract_value + later.contract_value


def test_sign_in_lands_on_the_roles_home(client, org_a):
    client.force_login(org_a.supervisor.user)
    assert client.get("/")["Location"] == team_url(org_a)
    client.force_login(org_a.leader.user)
    assert client.get("/")["Location"] == leadership_url(org_a)
    client.force_login(org_a.kam.user)
    assert client.get("/")["Location"] == f"/o/{org_a.tenant.slug}/"
