"""The Interactions tab: a page at a time, filtered by kind, contact and dates (the filters in
the address), and each interaction editable, audited and told as a sentence in the history."""

import datetime

from django.urls import reverse

from accounts.models import Interaction
from kamapp.models import AuditEvent
from tests.accounts.conftest import make_account, make_contact


def tab(org, account):
    return reverse(
        "account-interactions", kwargs={"slug": org.tenant.slug, "keyaccount_pk": account.pk}
    )


def log(account, day: int, kind: str = "meeting", contacts=(), summary: str = ""):
    interaction = Interaction.objects.create(
        tenant=account.tenant,
        account=account,
        date=datetime.date(2026, 1, 1) + datetime.timedelta(days=day),
        kind=kind,
        summary=summary or f"Talk on day {day}",
    )
    interaction.contacts.set(contacts, through_defaults={"tenant_id": account.tenant_id})
    return interaction


def test_the_timeline_is_paginated(client, org_a):
    account = make_account(org_a)
    for day in range(25):
        log(account, day)
    client.force_login(org_a.kam.user)
    first = client.get(tab(org_a, account)).text
    assert "Talk on day 24" in first and "Talk on day 4<" not in first
    assert "1–20 of 25" in first
    second = client.get(tab(org_a, account) + "?page=2").text
    assert "Talk on day 4<" in second and "Talk on day 24" not in second


def test_filters_by_kind_contact_and_dates(client, org_a):
    account = make_account(org_a)
    dana = make_contact(account, "Dana Scully")
    log(account, 1, "call", [dana], "Call with Dana")
    log(account, 10, "meeting", [dana], "Meeting with Dana")
    log(account, 20, "meeting", [], "Meeting alone")
    client.force_login(org_a.kam.user)
    url = tab(org_a, account)

    def shown(**query) -> set[str]:
        text = client.get(url, query).text
        return {s for s in ("Call with Dana", "Meeting with Dana", "Meeting alone") if s in text}

    assert shown(kind="meeting") == {"Meeting with Dana", "Meeting alone"}
    assert shown(contact=dana.pk) == {"Call with Dana", "Meeting with Dana"}
    assert shown(since="2026-01-05", until="2026-01-15") == {"Meeting with Dana"}
    assert shown(kind="meeting", contact=dana.pk) == {"Meeting with Dana"}
    assert "Nothing matches" in client.get(url, {"kind": "email"}).text


def test_a_wrong_date_range_is_said_beside_the_field(client, org_a):
    account = make_account(org_a)
    log(account, 1, summary="Ours")
    client.force_login(org_a.kam.user)
    backwards = client.get(tab(org_a, account), {"since": "2026-03-01", "until": "2026-01-01"})
    assert "The end date is before the start date." in backwards.text
    assert "Ours" in backwards.text and "Nothing matches" not in backwards.text
    garbage = client.get(tab(org_a, account), {"since": "soon"})
    assert "Enter a valid date." in garbage.text and "Ours" in garbage.text


def test_a_contact_of_another_account_is_no_filter(client, org_a):
    account, other = make_account(org_a), make_account(org_a, "Other")
    stranger = make_contact(other, "Stranger")
    log(account, 1, summary="Ours")
    client.force_login(org_a.kam.user)
    response = client.get(tab(org_a, account), {"contact": stranger.pk})
    assert response.status_code == 200 and "Ours" in response.text  # invalid filter: everything


def test_an_interaction_is_edited_audited_and_told_in_the_history(client, org_a):
    account = make_account(org_a)
    interaction = log(account, 1, summary="First notes")
    edit = reverse(
        "interaction-edit",
        kwargs={
            "slug": org_a.tenant.slug,
            "keyaccount_pk": account.pk,
            "interaction_pk": interaction.pk,
        },
    )
    client.force_login(org_a.kam.user)
    assert f'href="{edit}"' in client.get(tab(org_a, account)).text
    response = client.post(
        edit, {"date": "2026-01-02", "kind": "call", "summary": "Better notes", "contacts": []}
    )
    assert response.status_code == 302
    interaction.refresh_from_db()
    assert interaction.summary == "Better notes" and interaction.kind == "call"
    event = AuditEvent.objects.get(verb="interaction.update")
    assert event.changes["summary"] == ["First notes", "Better notes"]
    history = reverse(
        "account-history", kwargs={"slug": org_a.tenant.slug, "keyaccount_pk": account.pk}
    )
    assert f"{org_a.kam.user.full_name} edited the call on" in client.get(history).text


def test_a_read_only_member_cannot_edit_and_another_tenant_gets_404(client, org_a, org_b):
    account = make_account(org_a)
    interaction = log(account, 1)
    kwargs = {"keyaccount_pk": account.pk, "interaction_pk": interaction.pk}
    client.force_login(org_a.leader.user)
    edit = reverse("interaction-edit", kwargs={"slug": org_a.tenant.slug, **kwargs})
    assert client.get(edit).status_code == 403
    client.force_login(org_b.admin.user)
    edit = reverse("interaction-edit", kwargs={"slug": org_b.tenant.slug, **kwargs})
    assert client.get(edit).status_code == 404


def test_overviews_quick_log_puts_the_interactions_address_in_the_bar(client, org_a):
    account = make_account(org_a)
    client.force_login(org_a.kam.user)
    response = client.post(
        tab(org_a, account),
        {"date": "2026-11-20", "kind": "call", "summary": "Quick"},
        HTTP_HX_REQUEST="true",
    )
    assert response.headers["HX-Replace-Url"] == tab(org_a, account)
