import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.demo import seed
from accounts.models import (
    AccountTeamMember,
    Action,
    HealthSnapshot,
    Interaction,
    KeyAccount,
)
from tests.accounts.conftest import bulk_accounts, make_account, make_action


def url(org, name="account-list", **kwargs):
    return reverse(name, kwargs={"slug": org.tenant.slug, **kwargs})


def test_kam_sees_own_and_team_accounts_only(client, org_a):
    other = org_a.add("kam", manager=org_a.supervisor, email="other@acme.test")
    mine = make_account(org_a, "Mine")
    theirs = make_account(org_a, "Theirs", owner=other)
    shared = make_account(org_a, "Shared", owner=other)
    AccountTeamMember.objects.create(tenant=org_a.tenant, account=shared, membership=org_a.kam)
    client.force_login(org_a.kam.user)
    page = client.get(url(org_a)).text
    assert mine.name in page and shared.name in page and theirs.name not in page
    assert client.get(url(org_a, "account-overview", keyaccount_pk=theirs.pk)).status_code == 404
    client.force_login(org_a.supervisor.user)  # other reports to the supervisor
    assert theirs.name in client.get(url(org_a)).text


def test_filters_search_sort_and_archived(client, org_a):
    make_account(org_a, "Alpha Metals", tier="strategic")
    make_account(org_a, "Beta Foods", tier="development")
    make_account(org_a, "Gamma Archive", status="archived")
    client.force_login(org_a.admin.user)
    page = client.get(url(org_a), {"tier": "strategic"}).text
    assert "Alpha Metals" in page and "Beta Foods" not in page
    assert "Beta Foods" in client.get(url(org_a), {"q": "beta"}).text
    assert "Gamma Archive" not in client.get(url(org_a)).text
    assert "Gamma Archive" in client.get(url(org_a), {"status": "archived"}).text
    page = client.get(url(org_a), {"sort": "-name"}).text
    assert page.index("Beta Foods") < page.index("Alpha Metals")


def test_htmx_filter_returns_only_the_rows(client, org_a):
    make_account(org_a, "Alpha Metals")
    client.force_login(org_a.admin.user)
    response = client.get(url(org_a), {"q": "alpha"}, HTTP_HX_REQUEST="true")
    assert "Alpha Metals" in response.text and "<html" not in response.text
    assert "HX-Request" in response["Vary"]


def test_an_htmx_partial_reads_none_of_the_navigations_counts(client, org_a):
    make_account(org_a, "Alpha Metals")
    client.force_login(org_a.admin.user)
    with CaptureQueriesContext(connection) as partial:
        client.get(url(org_a), {"q": "alpha"}, HTTP_HX_REQUEST="true")
    with CaptureQueriesContext(connection) as page:
        client.get(url(org_a), {"q": "alpha"})
    counted = [q["sql"] for q in page if "kamapp_notification" in q["sql"]]
    assert len(counted) == 1  # the page: the bell, the reviews, the alerts in one query
    assert not any("kamapp_notification" in q["sql"] for q in partial)


def test_pagination(client, org_a):
    for n in range(30):
        make_account(org_a, f"Account {n:02d}")
    client.force_login(org_a.admin.user)
    assert "Account 29" not in client.get(url(org_a)).text
    assert "Account 29" in client.get(url(org_a), {"page": 2}).text


def test_list_shows_overdue_and_last_contact(client, org_a):
    account = make_account(org_a)
    today = timezone.localdate()
    Action.objects.create(
        tenant=org_a.tenant,
        account=account,
        title="Late",
        due_date=today - datetime.timedelta(days=3),
    )
    Interaction.objects.create(
        tenant=org_a.tenant,
        account=account,
        summary="QBR",
        meaningful=True,
        date=today - datetime.timedelta(days=12),
    )
    client.force_login(org_a.kam.user)
    page = client.get(url(org_a)).text
    assert "12 days ago" in page and 'badge-danger">1<' in page


def test_the_last_contact_follows_each_interaction_and_sorts_the_list(client, org_a):
    today = timezone.localdate()
    recent, quiet, never = (make_account(org_a, name) for name in ("Recent", "Quiet", "Never"))

    def log(account, days_ago: int, meaningful: bool = True) -> Interaction:
        return Interaction.objects.create(
            tenant=org_a.tenant,
            account=account,
            summary="Met",
            meaningful=meaningful,
            date=today - datetime.timedelta(days=days_ago),
        )

    log(quiet, 40)
    latest = log(recent, 2)
    log(recent, 45)
    log(recent, 1, meaningful=False)  # routine contact does not count
    recent.refresh_from_db()
    assert recent.last_contact == today - datetime.timedelta(days=2)
    client.force_login(org_a.admin.user)
    page = client.get(url(org_a), {"sort": "-contact"}).text
    assert page.index("Recent") < page.index("Quiet")
    latest.date = today - datetime.timedelta(days=50)  # moved back: quiet is now the latest
    latest.save()
    page = client.get(url(org_a), {"sort": "-contact"}).text
    assert page.index("Quiet") < page.index("Recent") and "45 days ago" in page
    latest.delete()
    Interaction.objects.filter(account=recent).get(meaningful=True).delete()
    recent.refresh_from_db()
    assert recent.last_contact is None
    page = client.get(url(org_a), {"sort": "contact"}).text
    assert page.index("Quiet") < page.index("Recent") and never.name in page


@pytest.mark.parametrize("name", ["account-list", "dashboard", "account-export"])
def test_query_count_does_not_grow_with_accounts(
    client, org_a, name, django_assert_max_num_queries
):
    seed(org_a.tenant, size=3)
    client.force_login(org_a.admin.user)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url(org_a, name)).status_code == 200
    for n in range(30):
        make_account(org_a, f"More {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url(org_a, name)).status_code == 200


def test_home_is_a_page_of_the_most_urgent_whatever_the_portfolio(
    client, org_a, django_assert_max_num_queries
):
    bulk_accounts(org_a, 200)
    urgent = make_account(org_a, "Zulu Urgent")
    make_action(urgent, due_date=timezone.localdate() - datetime.timedelta(days=3))
    HealthSnapshot.objects.create(tenant=org_a.tenant, account=urgent, score=30, band="at_risk")
    KeyAccount.objects.filter(pk=urgent.pk).update(
        health_score=30, health_band="at_risk", health_urgency=0
    )
    client.force_login(org_a.leader.user)
    with django_assert_max_num_queries(30) as small:
        small_page = client.get(url(org_a, "dashboard"))
    assert small_page.context["stats"]["accounts"] == 201
    assert small_page.context["stats"]["overdue"] == 1
    assert small_page.text.count('class="cell-title"') == 25 and "1–25 of 201" in small_page.text
    # most urgent first: at risk, then watch (the odd ones) with a renewal soonest
    assert small_page.text.index("Zulu Urgent") < small_page.text.index("Account 00001")
    assert "Account 00000" not in small_page.text
    bulk_accounts(org_a, 1800, start=200)
    with django_assert_max_num_queries(len(small.captured_queries)):
        big_page = client.get(url(org_a, "dashboard"))
    assert big_page.context["stats"]["accounts"] == 2001 and "1–25 of 2001" in big_page.text
    assert len(big_page.content) <= len(small_page.content) + 100


@pytest.mark.parametrize("member", ["leader", "kam"])
def test_home_pages_follow_the_whole_portfolios_urgency_order(client, org_a, member):
    """Each page sorts only the urgency bands it falls in: pages that cross a band's edge
    list the same accounts, in the same order, as sorting the whole portfolio."""
    from accounts import portfolio

    accounts = bulk_accounts(org_a, 60)
    today = timezone.localdate()
    for k, account in enumerate(accounts[:14]):  # at risk: the first page and a bit more
        KeyAccount.objects.filter(pk=account.pk).update(health_urgency=0)
        if k % 3 == 0:
            make_action(account, due_date=today - datetime.timedelta(days=2))
    AccountTeamMember.objects.create(  # a team link must not repeat the account on a page
        tenant=org_a.tenant, account=accounts[1], membership=org_a.kam
    )
    membership = getattr(org_a, member)
    visible = KeyAccount.objects.visible_to(membership).active()
    whole = portfolio._urgency(portfolio.with_alerts(portfolio.annotated(visible, today)), today)
    expected = [account.name for account in whole]
    shown = []
    for number in ("1", "2", "3"):
        shown += [account.name for account in portfolio.portfolio(membership, number)["accounts"]]
    assert shown == expected and len(shown) == 60


def test_account_page_query_count_does_not_grow(client, org_a, django_assert_max_num_queries):
    seed(org_a.tenant, size=1)
    account = KeyAccount.objects.get(tenant=org_a.tenant)
    client.force_login(org_a.admin.user)
    tabs = [
        "overview",
        "plan",
        "objectives",
        "actions",
        "stakeholders",
        "interactions",
        "financials",
        "feedback",
        "history",
    ]
    counts = {}
    for tab in tabs:
        with django_assert_max_num_queries(40) as captured:
            client.get(url(org_a, f"account-{tab}", keyaccount_pk=account.pk))
        counts[tab] = len(captured.captured_queries)
    for _ in range(3):  # triple the child rows by seeding more of the same shape
        seed_more(org_a, account)
    for tab in tabs:
        with django_assert_max_num_queries(counts[tab]):
            response = client.get(url(org_a, f"account-{tab}", keyaccount_pk=account.pk))
        assert response.status_code == 200


def seed_more(org, account):
    from accounts.models import KPI, Contact, KPIMeasurement, Objective

    objective = Objective.objects.create(tenant=org.tenant, account=account, title="More")
    kpi = KPI.objects.create(tenant=org.tenant, objective=objective, name="K", baseline=1, target=2)
    KPIMeasurement.objects.create(tenant=org.tenant, kpi=kpi, date=timezone.localdate(), value=1)
    contact = Contact.objects.create(tenant=org.tenant, account=account, name="Extra")
    interaction = Interaction.objects.create(tenant=org.tenant, account=account, summary="x")
    interaction.contacts.add(contact, through_defaults={"tenant": org.tenant})
    Action.objects.create(tenant=org.tenant, account=account, title="More", owner=org.kam)
