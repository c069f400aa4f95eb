"""Renewals recorded on the Financials tab: validation beside the field, audited, and told in
the account's history."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from accounts.models import Renewal
from kamapp.models import AuditEvent


def url(org, name, account, **kwargs):
    return reverse(name, kwargs={"slug": org.tenant.slug, "keyaccount_pk": account.pk, **kwargs})


def test_the_kam_records_a_renewal_behind_a_button(client, org_a, account):
    client.force_login(org_a.kam.user)
    tab = client.get(url(org_a, "account-financials", account)).text
    assert "Record a renewal" in tab and "No renewals recorded" in tab
    assert f'value="{account.renewal_date:%Y-%m-%d}"' in tab  # due on the account's date
    create = url(org_a, "renewal-create", account)
    data = {"due_on": "2026-09-30", "value": "1200000", "outcome": "lost", "note": "Went local"}
    assert client.post(create, data).status_code == 302
    renewal = Renewal.objects.get()
    assert (renewal.outcome, renewal.decided_on, renewal.recorded_by) == (
        "lost",
        timezone.localdate(),  # decided today when left empty
        org_a.kam.user,
    )
    assert renewal.new_value is None
    again = client.post(create, data)
    assert "recorded already" in again.text and Renewal.objects.count() == 1
    assert '<details class="renewal-add" open' in again.text
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    wrong = client.post(create, {**data, "due_on": "2026-12-31", "decided_on": future})
    assert "cannot be decided in the future" in wrong.text and Renewal.objects.count() == 1
    negative = client.post(create, {**data, "due_on": "2026-12-31", "value": "-5"})
    assert "greater than or equal to 0" in negative.text and Renewal.objects.count() == 1

    edit = url(org_a, "renewal-edit", account, renewal_pk=renewal.pk)
    renewed = {**data, "outcome": "renewed", "decided_on": "2026-09-20", "new_value": "1300000"}
    assert client.post(edit, renewed).status_code == 302
    renewal.refresh_from_db()
    assert (renewal.outcome, renewal.new_value) == ("renewed", Decimal("1300000"))
    pending = client.post(edit, {**renewed, "outcome": "pending"})
    assert pending.status_code == 302
    renewal.refresh_from_db()
    assert (renewal.decided_on, renewal.new_value) == (None, None)

    assert AuditEvent.objects.filter(verb__startswith="renewal.").count() == 3
    history = client.get(url(org_a, "account-history", account)).text
    assert "recorded “Renewal due 30 Sep 2026”: lost" in history
    assert "edited “Renewal due 30 Sep 2026”" in history
    tab = client.get(url(org_a, "account-financials", account)).text
    assert "Undecided" in tab and "Went local" in tab


def test_readers_see_renewals_but_cannot_record_them(client, org_a, account):
    Renewal.objects.create(
        tenant=org_a.tenant,
        account=account,
        due_on=datetime.date(2026, 9, 30),
        outcome="lost",
        value=Decimal("1200.50"),
    )
    client.force_login(org_a.leader.user)
    tab = client.get(url(org_a, "account-financials", account)).text
    assert "Lost" in tab and "Record a renewal" not in tab
    assert "1,200.50" in tab  # the cents a contract has, not rounded away
    data = {"due_on": "2026-10-30", "value": "1", "outcome": "renewed"}
    assert client.post(url(org_a, "renewal-create", account), data).status_code == 403
    assert Renewal.objects.count() == 1


def test_a_renewal_recorded_as_renewed_moves_the_accounts_renewal_date(client, org_a, account):
    account.renewal_date = datetime.date(2026, 12, 31)
    account.save()
    client.force_login(org_a.kam.user)
    tab = client.get(url(org_a, "account-financials", account)).text
    assert 'name="next_renewal" value="2027-12-31"' in tab  # a year on, to be changed at will
    create = url(org_a, "renewal-create", account)
    data = {"due_on": "2026-12-31", "value": "1000", "outcome": "renewed", "new_value": "1100"}
    early = client.post(create, {**data, "next_renewal": "2026-06-30"})
    assert "The next renewal comes after this one." in early.text
    assert not Renewal.objects.exists()
    assert client.post(create, {**data, "next_renewal": "2028-06-30"}).status_code == 302
    account.refresh_from_db()
    assert account.renewal_date == datetime.date(2028, 6, 30)
    event = AuditEvent.objects.get(verb="account.update")
    assert event.changes["renewal_date"] == ["2026-12-31", "2028-06-30"]
    lost = {**data, "due_on": "2028-06-30", "outcome": "lost", "next_renewal": "2029-06-30"}
    assert client.post(create, lost).status_code == 302
    account.refresh_from_db()
    assert account.renewal_date == datetime.date(2028, 6, 30)  # only a renewal moves it
    edit = url(org_a, "renewal-edit", account, renewal_pk=Renewal.objects.first().pk)
    assert "next_renewal" not in client.get(edit).text
