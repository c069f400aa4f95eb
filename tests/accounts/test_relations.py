from django.urls import reverse

from accounts.models import Contact, CustomerFeedback, FinancialPeriod, Interaction
from tests.accounts.conftest import make_contact


def url(org, name, account, **kwargs):
    return reverse(name, kwargs={"slug": org.tenant.slug, "keyaccount_pk": account.pk, **kwargs})


def test_contacts_and_a_reporting_loop_is_refused(client, org_a, account):
    boss = make_contact(account, "Boss", buying_role="decision_maker")
    client.force_login(org_a.kam.user)
    client.post(
        url(org_a, "account-stakeholders", account),
        {"name": "Report", "influence": "low", "relationship_strength": 4, "reports_to": boss.pk},
    )
    report = Contact.objects.get(name="Report")
    response = client.post(
        url(org_a, "contact-edit", account, contact_pk=boss.pk),
        {"name": "Boss", "influence": "high", "relationship_strength": 3, "reports_to": report.pk},
    )
    assert "reporting loop" in response.text
    page = client.get(url(org_a, "account-stakeholders", account)).text
    assert "Relationship map" in page and "<svg" in page
    assert "Missing" in page  # economic buyer and champion not covered


def test_quick_log_interaction_over_htmx(client, org_a, account):
    contact = make_contact(account)
    client.force_login(org_a.kam.user)
    response = client.post(
        url(org_a, "account-interactions", account),
        {
            "date": "2026-11-20",
            "kind": "qbr",
            "contacts": [contact.pk],
            "summary": "Agreed the 2027 roadmap",
            "meaningful": "on",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "Agreed the 2027 roadmap" in response.text
    interaction = Interaction.objects.get()
    assert list(interaction.contacts.all()) == [contact] and interaction.logged_by == org_a.kam.user


def test_financial_period_normalised_and_duplicates_refused(client, org_a, account):
    client.force_login(org_a.kam.user)
    data = {
        "kind": "quarter",
        "period_start": "2026-08-15",
        "revenue": "1000",
        "cost": "600",
        "discounts": "100",
        "absorbed_costs": "50",
        "renewal_amount": "0",
        "upsell_amount": "0",
        "cross_sell_amount": "0",
    }
    client.post(url(org_a, "account-financials", account), data)
    assert FinancialPeriod.objects.get().period_start.isoformat() == "2026-07-01"
    response = client.post(url(org_a, "account-financials", account), data)
    assert "has figures already" in response.text
    page = client.get(url(org_a, "account-financials", account)).text
    assert "Q3 2026" in page and "25%" in page  # (1000-600-100-50)/1000


def test_feedback_needs_a_score(client, org_a, account):
    client.force_login(org_a.kam.user)
    response = client.post(
        url(org_a, "account-feedback", account),
        {"date": "2026-11-01", "source": "meeting", "comment": "Nice"},
    )
    assert "Give an NPS score" in response.text and not CustomerFeedback.objects.exists()
    client.post(
        url(org_a, "account-feedback", account),
        {"date": "2026-11-01", "source": "meeting", "nps": 4},
    )
    page = client.get(url(org_a, "account-feedback", account)).text
    assert "Detractor" in page and "NPS over time" not in page  # one answer draws no line
    client.post(
        url(org_a, "account-feedback", account),
        {"date": "2026-11-20", "source": "survey", "nps": 9},
    )
    page = client.get(url(org_a, "account-feedback", account)).text
    assert "NPS over time" in page and "Logged by the team" in page  # two sources, kept apart
    assert page.count("<polyline") == 2


def test_history_lists_changes_to_the_account_and_its_rows(client, org_a, account):
    client.force_login(org_a.kam.user)
    client.post(
        url(org_a, "account-stakeholders", account),
        {"name": "New Person", "influence": "low", "relationship_strength": 2},
    )
    client.post(url(org_a, "account-plan-review", account))
    page = client.get(url(org_a, "account-history", account)).text
    assert "Kam of Acme Components added New Person to the stakeholders" in page
    assert "Kam of Acme Components reviewed the account plan" in page
