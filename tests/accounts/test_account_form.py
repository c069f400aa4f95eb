from django.urls import reverse

from accounts.models import AccountPlan, AccountTeamMember, KeyAccount
from kamapp.models import AuditEvent
from tests.accounts.conftest import make_account


def url(org, name, **kwargs):
    return reverse(name, kwargs={"slug": org.tenant.slug, **kwargs})


def form_data(org, **overrides):
    data = {
        "name": "Initech",
        "industry": "Software",
        "tier": "key",
        "status": "active",
        "owner": org.kam.pk,
        "contract_value": "250000",
        "currency": "eur",
        "renewal_date": "2027-06-30",
        "website": "",
        "team": [org.supervisor.pk],
    }
    return data | overrides


def test_kam_creates_an_account_with_plan_team_and_audit(client, org_a):
    client.force_login(org_a.kam.user)
    response = client.post(url(org_a, "account-create"), form_data(org_a))
    account = KeyAccount.objects.get(name="Initech")
    assert response.status_code == 302
    assert response["Location"] == url(org_a, "account-overview", keyaccount_pk=account.pk)
    assert account.currency == "EUR" and AccountPlan.objects.filter(account=account).exists()
    assert list(account.team.all()) == [org_a.supervisor]
    event = AuditEvent.objects.get(verb="account.create")
    assert event.changes["name"] == [None, "Initech"]


def test_bad_input_is_shown_beside_the_field(client, org_a, org_b):
    make_account(org_a, "Initech")
    client.force_login(org_a.kam.user)
    response = client.post(
        url(org_a, "account-create"),
        form_data(
            org_a,
            name="initech",
            contract_value="lots",
            renewal_date="31/06/2027",
            owner=org_b.kam.pk,
        ),
    )
    assert response.status_code == 200
    for message in [
        "exists already",
        "Enter a number",
        "Enter a valid date",
        "Select a valid choice",
    ]:
        assert message in response.text
    assert KeyAccount.objects.filter(tenant=org_a.tenant).count() == 1


def test_edit_changes_team_and_records_the_diff(client, org_a):
    account = make_account(org_a)
    client.force_login(org_a.supervisor.user)  # the owner's supervisor may edit
    response = client.post(
        url(org_a, "account-edit", keyaccount_pk=account.pk),
        form_data(org_a, name="Globex Corp", team=[org_a.admin.pk]),
    )
    assert response.status_code == 302
    assert AccountTeamMember.objects.get(account=account).membership == org_a.admin
    event = AuditEvent.objects.get(verb="account.update")
    assert event.changes["name"] == ["Globex Corporation", "Globex Corp"]


def test_leaders_read_but_cannot_edit(client, org_a):
    account = make_account(org_a)
    client.force_login(org_a.leader.user)
    assert client.get(url(org_a, "account-overview", keyaccount_pk=account.pk)).status_code == 200
    assert client.get(url(org_a, "account-edit", keyaccount_pk=account.pk)).status_code == 403
    assert client.get(url(org_a, "account-create")).status_code == 403
    archive = url(org_a, "account-archive", keyaccount_pk=account.pk)
    assert client.post(archive).status_code == 403


def test_archive_with_undo(client, org_a):
    account = make_account(org_a)
    client.force_login(org_a.kam.user)
    archive = url(org_a, "account-archive", keyaccount_pk=account.pk)
    page = client.post(archive, follow=True).text
    account.refresh_from_db()
    assert (
        account.is_archived and account.name not in page.split("</header>")[1].split("archived.")[1]
    )
    assert f'action="{archive}"' in page  # the Undo button
    # archived accounts stay readable
    assert client.get(url(org_a, "account-overview", keyaccount_pk=account.pk)).status_code == 200
    client.post(archive)
    account.refresh_from_db()
    assert not account.is_archived
    verbs = list(AuditEvent.objects.order_by("id").values_list("verb", flat=True))
    assert verbs[-2:] == ["account.archive", "account.restore"]
