"""Feedback where one acts: an HTMX write's messages come back as an HX-Trigger toast and
never show up on the next full page; a redirect leaves them to the page it leads to."""

import json

from django.urls import reverse

from tests.accounts.conftest import make_account, make_contact, make_objective


def tab_url(org, name, account):
    return reverse(name, kwargs={"slug": org.tenant.slug, "keyaccount_pk": account.pk})


def toasts(response) -> list[dict]:
    return json.loads(response.headers["HX-Trigger"])["kamapp:toast"]["messages"]


def log_interaction(client, org, **headers):
    """The KAM logs an interaction on a new account; the account and the response."""
    account = make_account(org)
    contact = make_contact(account)
    client.force_login(org.kam.user)
    response = client.post(
        tab_url(org, "account-interactions", account),
        {"date": "2026-11-20", "kind": "qbr", "contacts": [contact.pk], "summary": "Roadmap"},
        **headers,
    )
    return account, response


def test_an_htmx_write_answers_with_a_toast_that_does_not_leak(client, org_a):
    account, response = log_interaction(client, org_a, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert toasts(response) == [{"level": "success", "text": "Interaction added."}]
    assert 'class="messages"' not in response.text
    page = client.get(tab_url(org_a, "account-overview", account))
    assert "Interaction added." not in page.text


def test_a_full_page_write_keeps_its_message_for_the_page_it_redirects_to(client, org_a):
    _, response = log_interaction(client, org_a, follow=True)
    assert "HX-Trigger" not in response.headers
    assert "Interaction added." in response.text


def test_an_htmx_request_answered_by_a_redirect_leaves_the_message_to_the_next_request(
    client, org_a
):
    account = make_account(org_a)
    objective = make_objective(account)
    kwargs = {"slug": org_a.tenant.slug, "keyaccount_pk": account.pk, "objective_pk": objective.pk}
    kpi_url = reverse("kpi-create", kwargs=kwargs)
    client.force_login(org_a.kam.user)
    kpi = {"name": "Uptime", "unit": "%", "baseline": "90", "target": "99", "direction": "up"}
    response = client.post(kpi_url, kpi, HTTP_HX_REQUEST="true")
    assert response.status_code == 302 and "HX-Trigger" not in response.headers
    followed = client.get(response.url, HTTP_HX_REQUEST="true")
    # ASCII-only JSON: the curly quotes travel escaped in the header.
    assert followed.headers["HX-Trigger"].isascii()
    assert toasts(followed) == [{"level": "success", "text": "KPI “Uptime” added."}]
