"""Search: only what the member may see, ranked, a fixed number of queries, hostile input."""

import pytest
from django.db.models import F
from django.urls import reverse

from accounts.models import RiskAlert
from kamapp import search
from kamapp.models import Role
from reviews.models import PerformanceReview, ReviewCycle
from tests.accounts.conftest import make_account, make_contact, make_objective


def _find(client, org, q: str, htmx: bool = False) -> str:
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.get(reverse("search", args=[org.tenant.slug]), {"q": q}, **headers)
    assert response.status_code == 200
    return response.text


def _alert(account, message: str) -> RiskAlert:
    return RiskAlert.objects.create(
        tenant=account.tenant, account=account, rule="no_contact", severity="high",
        message=message, action="Call them", owner=account.owner,
    )  # fmt: skip


@pytest.fixture
def portfolio(org_a, org_b):
    """Two KAMs in org A with an account each, and a look-alike account in org B."""
    other_kam = org_a.add(Role.KAM, manager=org_a.supervisor, email="other@acme.test")
    mine = make_account(org_a, "Initech Holdings")
    theirs = make_account(org_a, "Initech Partners", owner=other_kam)
    foreign = make_account(org_b, "Initech Borealis", owner=org_b.kam)
    for account in (mine, theirs, foreign):
        make_contact(account, f"Peter Gibbons of {account.name}")
        make_objective(account, f"Initech uptime for {account.name}")
        _alert(account, f"No contact with {account.name} for 60 days")
    return mine, theirs, foreign


def test_a_kam_finds_only_their_own_accounts_rows(client, org_a, portfolio):
    client.force_login(org_a.kam.user)
    page = _find(client, org_a, "initech")
    assert "Initech Holdings" in page
    assert "Initech Partners" not in page and "Borealis" not in page
    for kind in ("Accounts", "Contacts", "Objectives", "Alerts"):
        assert f'class="search-kind">{kind}<' in page
    assert "Peter Gibbons of Initech Holdings" in page


def test_a_supervisor_finds_the_team_and_a_leader_everything_in_the_tenant(
    client, org_a, portfolio
):
    client.force_login(org_a.supervisor.user)
    page = _find(client, org_a, "initech")
    assert "Initech Holdings" in page and "Initech Partners" in page and "Borealis" not in page
    client.force_login(org_a.leader.user)
    page = _find(client, org_a, "initech")
    assert "Initech Partners" in page and "Borealis" not in page


def test_reviews_found_by_the_kams_name_only_where_visible(client, org_a):
    cycle = ReviewCycle.objects.create(
        tenant=org_a.tenant, name="H2 2026", period_start="2026-07-01", period_end="2026-12-31"
    )
    other = org_a.add(Role.KAM, email="zed@acme.test")
    for kam in (org_a.kam, other):
        PerformanceReview.objects.create(tenant=org_a.tenant, cycle=cycle, kam=kam)
    client.force_login(org_a.kam.user)
    assert "Kam of Acme Components · H2 2026" in _find(client, org_a, "kam of")
    assert "H2 2026" not in _find(client, org_a, "zed")  # Kam of Acme is the other's name too
    client.force_login(org_a.admin.user)
    assert _find(client, org_a, "h2 2026").count("· H2 2026") == 2


def test_ranked_best_first_and_bounded(client, org_a):
    for i in range(12):
        make_account(org_a, f"Globex subsidiary {i:02d}")
    make_account(org_a, "Globex")
    client.force_login(org_a.admin.user)
    hits = search.search(org_a.admin, "globex")["Accounts"]
    assert len(hits) == search.PER_KIND and hits[0].title == "Globex"
    page = _find(client, org_a, "globex")
    assert page.count("Globex subsidiary") == 12  # the page shows more, still bounded
    assert "subsidiary 11" in _find(client, org_a, "subsid 11", htmx=True)  # prefixes, any order


def test_found_by_the_stored_document_as_it_is_now(org_a, monkeypatch):
    """Each row's document is a generated column, current after any edit; only the first
    `CANDIDATES` matches by title are ranked."""
    contact = make_contact(make_account(org_a, "Umbrella"), "Alice Abernathy")
    assert search.search(org_a.admin, "alice").get("Contacts")
    contact.title = "Head of Security"
    contact.save()
    assert [hit.title for hit in search.search(org_a.admin, "secur head")["Contacts"]] == [
        "Alice Abernathy"
    ]
    monkeypatch.setattr(search, "CANDIDATES", 2)
    for name in ("Umbrella Beta", "Umbrella Alpha"):
        make_account(org_a, name)
    hits = search.search(org_a.admin, "umbrella")["Accounts"]
    assert [hit.title for hit in hits] == ["Umbrella", "Umbrella Alpha"]


def test_a_word_is_found_through_the_documents_index_under_rls(org_a):
    """With the text match leakproof (as `make run`, the tests and docker-compose set the
    server up), row-level security lets the GIN index serve it: no row is read to match."""
    from django.db import connection

    from accounts.models import Contact

    with connection.cursor() as cursor:
        cursor.execute("SELECT proleakproof FROM pg_proc WHERE proname = 'ts_match_vq'")
        if not cursor.fetchone()[0]:
            pytest.skip("this server's text match is not leakproof (it needs a superuser)")
        cursor.execute("SET LOCAL enable_seqscan = off")
        query = search.SearchQuery("'initech':*", search_type="raw", config="simple")
        rows = Contact.objects.annotate(found_by=F("search_document")).filter(found_by=query)
        sql, params = rows.values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on contact_search" in plan


def test_a_misspelt_name_finds_the_account_where_pg_trgm_exists(org_a):
    if not search.trigram_available():
        pytest.skip("this Postgres has no pg_trgm (the embedded PG 16 ships none)")
    make_account(org_a, "Initech")
    make_account(org_a, "Globex")
    hits = search.search(org_a.admin, "initek")["Accounts"]
    assert [hit.title for hit in hits] == ["Initech"]


def test_without_pg_trgm_a_misspelling_finds_nothing_and_nothing_fails(org_a, monkeypatch):
    monkeypatch.setattr(search, "trigram_available", lambda: False)
    make_account(org_a, "Initech")
    assert search.search(org_a.admin, "initek").get("Accounts", []) == []
    assert [hit.title for hit in search.search(org_a.admin, "inite")["Accounts"]] == ["Initech"]


def test_as_you_type_fragment_and_no_js_page(client, org_a, portfolio):
    client.force_login(org_a.kam.user)
    fragment = _find(client, org_a, "initech hold", htmx=True)
    assert "<html" not in fragment and "Initech Holdings" in fragment and "All results" in fragment
    assert _find(client, org_a, "i", htmx=True).strip() == ""  # too short: nothing, no query
    page = _find(client, org_a, "initech")
    assert "<html" in page and 'role="search"' in page


def test_a_fixed_number_of_queries_whatever_the_data(
    client, org_a, portfolio, django_assert_max_num_queries
):
    for i in range(20):
        account = make_account(org_a, f"Initech branch {i}")
        make_contact(account, f"Initech person {i}")
    client.force_login(org_a.kam.user)
    search.trigram_available()  # asked once per process
    # session, user, tenant, savepoint, membership (+3 RLS settings), the membership's tenant;
    # accounts, contacts, objectives, alerts, reviews: one query each; the layout's alert,
    # review and notification badges; RLS reset, release
    with django_assert_max_num_queries(18):
        _find(client, org_a, "initech")
    with django_assert_max_num_queries(18):
        _find(client, org_a, "initech", htmx=True)


@pytest.mark.parametrize(
    "q",
    ["'; DROP TABLE x; --", "a & b | !c", "\x00\x01nul", "%_%", "(((", "ünïcødé 株式会社",
     "x" * 5000, ":*", "'':*", "<script>alert(1)</script>"],
)  # fmt: skip
def test_hostile_input_is_just_text(client, org_a, portfolio, q):
    client.force_login(org_a.kam.user)
    page = _find(client, org_a, q)
    assert "<script>alert(1)</script>" not in page
    _find(client, org_a, q, htmx=True)


def test_another_tenants_search_is_404(client, org_a, org_b):
    client.force_login(org_a.kam.user)
    response = client.get(reverse("search", args=[org_b.tenant.slug]), {"q": "initech"})
    assert response.status_code == 404
