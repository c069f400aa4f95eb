import datetime
import xml.dom.minidom

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import KPI, Objective, PlanRevision
from kamapp.models import AuditEvent
from rpm import matrix
from rpm.models import Assessment
from tests.accounts.conftest import bulk_accounts, follow_process, make_account

TODAY = timezone.localdate()


def url(org, name, **kwargs):
    return reverse(name, kwargs={"slug": org.tenant.slug, **kwargs})


@pytest.mark.parametrize("stage", range(1, 6))
@pytest.mark.parametrize("maturity", range(1, 5))
def test_every_cell_maps_to_its_level(org_a, stage, maturity):
    expected = 1 if stage + maturity <= 4 else 3 if stage + maturity >= 7 else 2
    assert matrix.levels(org_a.tenant)[(stage, maturity)] == expected
    org_a.tenant.settings["rpm_levels"] = {f"{stage},{maturity}": 3}
    assert matrix.levels(org_a.tenant)[(stage, maturity)] == 3


def test_levels_never_fall_as_either_axis_rises(org_a):
    levels = matrix.levels(org_a.tenant)
    for (r, p), level in levels.items():
        assert levels.get((r + 1, p), 3) >= level and levels.get((r, p + 1), 3) >= level


def test_evidence_suggests_a_stage():
    assert matrix.suggest_stage([]) is None
    assert matrix.suggest_stage(["s1_authorised", "s2_reliable", "s2_business"]) == 2
    assert matrix.suggest_stage(["s4_internal", "s3_knowledge"]) == 4


def plan_state(org, state: str):
    account = make_account(org, f"Account {state}")
    if state == "random":
        return account
    if state == "informal":  # some of the process: goals with KPIs, nothing else
        objective = Objective.objects.create(tenant=org.tenant, account=account, title="Goal")
        KPI.objects.create(tenant=org.tenant, objective=objective, name="K", baseline=1, target=2)
        return account
    follow_process(account, org)
    if state == "dynamic":  # revised after the new KPI value and feedback (today)
        for days in (40, 0):
            PlanRevision.objects.create(
                tenant=org.tenant,
                plan=account.plan,
                number=days + 1,
                created_at=timezone.now() - datetime.timedelta(days),
            )
    return account


@pytest.mark.parametrize(
    "state,expected", [("random", 1), ("informal", 2), ("formal", 3), ("dynamic", 4)]
)
def test_suggested_maturity_from_the_plan(org_a, state, expected):
    account = plan_state(org_a, state)
    from accounts.models import KeyAccount

    got = matrix.suggested_maturity(KeyAccount.objects.filter(pk=account.pk), org_a.tenant, TODAY)
    assert got == {account.pk: expected}


def assess(org, account, stage, maturity, days_ago=0):
    return Assessment.objects.create(
        tenant=org.tenant,
        account=account,
        stage=stage,
        maturity=maturity,
        assessed_on=TODAY - datetime.timedelta(days=days_ago),
    )


def test_matrix_svg_has_one_dot_per_visible_account(client, org_a):
    other = org_a.add("kam", email="other@acme.test")
    mine = [make_account(org_a, f"Mine {n}") for n in range(3)]
    theirs = make_account(org_a, "Theirs", owner=other)
    for account in [*mine, theirs]:
        assess(org_a, account, 2, 2)
    client.force_login(org_a.kam.user)
    page = client.get(url(org_a, "rpm-matrix")).text
    svg = page[page.index('<svg class="chart matrix"') : page.index("</svg>") + 6]
    doc = xml.dom.minidom.parseString(svg)
    assert len(doc.getElementsByTagName("circle")) == 3
    assert "Theirs" not in svg


def test_matrix_query_count_is_fixed(client, org_a, django_assert_max_num_queries):
    def add(n, start):
        for k in range(start, start + n):
            assess(org_a, make_account(org_a, f"Account {k}"), 1 + k % 5, 2, days_ago=100)

    add(10, 0)
    client.force_login(org_a.admin.user)
    with django_assert_max_num_queries(40) as small:
        client.get(url(org_a, "rpm-matrix"), {"since": "2026-01-01"})
    add(190, 10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url(org_a, "rpm-matrix"), {"since": "2026-01-01"})
    # five cells of 40: each drawn as its count and a link to its list, not as 40 dots
    assert response.text.count('class="dot"') == 0
    assert response.text.count('class="crowd"') == 5 and ">40</text>" in response.text


def _spread(k: int) -> tuple[int, int]:
    return 1 + k % 5, 1 + (k // 5) % 4


def test_matrix_size_does_not_grow_with_the_portfolio(client, org_a, django_assert_max_num_queries):
    bulk_accounts(org_a, 200, cell=_spread)  # 10 a cell: every account a dot
    client.force_login(org_a.leader.user)
    with django_assert_max_num_queries(40) as small:
        small_page = client.get(url(org_a, "rpm-matrix")).content
    assert small_page.count(b'class="dot"') == 200
    bulk_accounts(org_a, 1800, start=200, cell=_spread)  # 100 a cell: counts
    with django_assert_max_num_queries(len(small.captured_queries)):
        big_page = client.get(url(org_a, "rpm-matrix")).content
    assert big_page.count(b'class="dot"') == 0 and b">100</text>" in big_page
    assert len(big_page) <= len(small_page)


def test_a_cell_lists_its_accounts_a_page_at_a_time(client, org_a):
    accounts = bulk_accounts(org_a, 60, cell=lambda k: (3, 2) if k < 40 else (4, 4))
    other = make_account(org_a, "Not placed yet")
    client.force_login(org_a.kam.user)
    page = client.get(url(org_a, "rpm-cell"), {"stage": 3, "maturity": 2}).text
    assert "Solutions Consultant × Informal" in page and "1–25 of 40" in page
    assert accounts[0].name in page and accounts[45].name not in page
    assert (
        "26–40 of 40"
        in client.get(url(org_a, "rpm-cell"), {"stage": 3, "maturity": 2, "page": 2}).text
    )
    unplaced = client.get(url(org_a, "rpm-cell")).text
    assert other.name in unplaced and accounts[0].name not in unplaced
    client.force_login(org_a.add("kam", email="nobody@acme.test").user)
    assert (
        accounts[0].name not in client.get(url(org_a, "rpm-cell"), {"stage": 3, "maturity": 2}).text
    )


def test_record_an_assessment_and_the_no_fly_rule(client, org_a):
    account = make_account(org_a)
    client.force_login(org_a.kam.user)
    rpm_url = url(org_a, "account-rpm", keyaccount_pk=account.pk)
    data = {
        "assessed_on": TODAY.isoformat(),
        "stage": 5,
        "maturity": 1,
        "evidence": ["s5_inner", "s5_mutual"],
    }
    response = client.post(rpm_url, data)
    assert "no-fly combination" in response.text and "Explain why" in response.text
    assert not Assessment.objects.exists()
    client.post(rpm_url, data | {"confirm_no_fly": "on", "no_fly_reason": "Founder-led deal"})
    assessment = Assessment.objects.get()
    assert (assessment.stage, assessment.maturity) == (5, 1)
    assert assessment.suggested_maturity == 1 and assessment.evidence == ["s5_inner", "s5_mutual"]
    assert AuditEvent.objects.filter(verb="rpm.assess").exists()


def test_roles(client, org_a):
    account = make_account(org_a)
    client.force_login(org_a.leader.user)
    assert client.get(url(org_a, "rpm-matrix")).status_code == 200
    rpm_url = url(org_a, "account-rpm", keyaccount_pk=account.pk)
    assert client.get(rpm_url).status_code == 200
    assert client.post(rpm_url, {"stage": 2, "maturity": 2}).status_code == 403
    assert client.get(url(org_a, "rpm-settings")).status_code == 403
    client.force_login(org_a.admin.user)
    data = {f"cell_{r}_{p}": 1 for r in range(1, 6) for p in range(1, 5)} | {"cadence": 60}
    assert client.post(url(org_a, "rpm-settings"), data).status_code == 302
    org_a.tenant.refresh_from_db()
    assert org_a.tenant.settings["rpm_cadence_days"] == 60
    assert matrix.levels(org_a.tenant)[(5, 4)] == 1


def diagnostics(accounts, tenant, listed: int = 10) -> dict[str, matrix.Diagnostic]:
    """The matrix page's two steps: the census counts, the diagnostics name the first few."""
    found = matrix.diagnoses(tenant, TODAY)
    return matrix.diagnostics(accounts, found, matrix.census(accounts, found).found, listed)


def test_diagnostics_and_the_alert_hooks(org_a):
    from accounts import recalculation
    from kamapp.rls import tenant_context

    down = make_account(org_a, "Slipping")
    assess(org_a, down, 3, 2, days_ago=90)
    assess(org_a, down, 2, 2)
    never = make_account(org_a, "Never placed")
    from accounts.models import KeyAccount

    found = diagnostics(KeyAccount.objects.all(), org_a.tenant)
    assert [row["name"] for row in found["down"].rows] == ["Slipping"]
    assert "Never placed" in [row["name"] for row in found["due"].rows]
    with tenant_context(org_a.tenant.pk):
        recalculation.recalculate(org_a.tenant)
    assert down.alerts.filter(rule="stage_regressed").exists()
    assert never.alerts.filter(rule="rpm_reassess").exists()


def test_filter_by_team(client, org_a):
    second = org_a.add("supervisor", email="boss2@acme.test")
    theirs = org_a.add("kam", manager=second, email="k2@acme.test")
    assess(org_a, make_account(org_a, "Team one account"), 2, 2)
    assess(org_a, make_account(org_a, "Team two account", owner=theirs), 2, 2)
    client.force_login(org_a.leader.user)
    page = client.get(url(org_a, "rpm-matrix"), {"team": second.pk}).text
    assert "Team two account" in page and "Team one account" not in page


def test_diagnostics_name_a_few_and_count_them_all(org_a):
    from accounts.models import KeyAccount

    for n in range(3):
        make_account(org_a, f"Never {n}")
    doubted = make_account(org_a, "Doubted")
    Assessment.objects.create(
        tenant=org_a.tenant, account=doubted, stage=2, maturity=3, suggested_maturity=1
    )
    still = make_account(org_a, "Still")
    for days in (200, 100, 0):
        assess(org_a, still, 2, 2, days_ago=days)
    found = diagnostics(KeyAccount.objects.all(), org_a.tenant, listed=2)
    assert [row["name"] for row in found["due"].rows] == ["Never 0", "Never 1"]
    assert (found["due"].total, found["due"].more) == (3, 1)
    assert [row["suggested"] for row in found["disagree"].rows] == [1]
    assert [row["name"] for row in found["still"].rows] == ["Still"]
    assert found["down"].total == 0


def test_the_diagnostics_read_their_partial_indexes(org_a):
    """Each diagnostic's list can walk its own partial index (its condition implies the
    index's): what keeps naming the first few flat at 20,000 accounts. The planner is told to
    avoid full scans, which it would pick for a table this small."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import KeyAccount

    slipping, still, doubted = (make_account(org_a, name) for name in ("S", "T", "D"))
    assess(org_a, slipping, 3, 2, days_ago=90)
    assess(org_a, slipping, 2, 2)
    for days in (200, 100, 0):
        assess(org_a, still, 2, 2, days_ago=days)
    Assessment.objects.create(
        tenant=org_a.tenant, account=doubted, stage=2, maturity=3, suggested_maturity=1
    )
    accounts = KeyAccount.objects.for_tenant(org_a.tenant).active()
    with CaptureQueriesContext(connection) as queries:
        found = diagnostics(accounts, org_a.tenant)
    assert {kind: d.total for kind, d in found.items()} == {
        "down": 1,
        "still": 1,
        "disagree": 1,
        "due": 0,
    }
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        plans = []
        for query in queries.captured_queries:
            cursor.execute("EXPLAIN " + query["sql"])
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    listed = plans[1]  # after the census
    for kind in ("down", "still", "disagree"):
        assert f"keyaccount_rpm_{kind}" in listed


def test_the_current_cell_is_stored_beside_the_account(org_a):
    account = make_account(org_a, "Placed")
    latest = assess(org_a, account, 3, 2, days_ago=10)
    assess(org_a, account, 4, 3, days_ago=200)  # back-dated: the later one stays current
    account.refresh_from_db()
    cell = (account.rpm_stage, account.rpm_maturity, account.rpm_assessed_on, account.rpm_trend)
    assert cell == (3, 2, latest.assessed_on, "down")
    account.name = "Renamed"
    account.save()  # an edit of the account leaves the stored cell alone
    latest.delete()
    account.refresh_from_db()
    assert (account.rpm_stage, account.rpm_maturity, account.rpm_trend) == (4, 3, "")
    (bulk,) = bulk_accounts(org_a, 1, cell=lambda k: (5, 4))
    bulk.refresh_from_db()
    assert (bulk.rpm_stage, bulk.rpm_maturity, bulk.rpm_assessed_on) == (5, 4, TODAY)
