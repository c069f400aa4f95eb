"""A KAM's own home: owned and team accounts labelled, an alerts column, and "my week" (actions
due in 7 days, plans due for review, renewals within 90 days, review steps waiting), in a
fixed number of queries whatever the portfolio's size."""

import datetime

from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountTeamMember, Action, RiskAlert
from kamapp.models import Role
from reviews import workflow
from tests.accounts.conftest import make_account

TODAY = timezone.localdate()


def renews(account, days: int) -> None:
    account.renewal_date = TODAY + datetime.timedelta(days=days)
    account.save(update_fields=["renewal_date"])


def busy_account(org, name: str, owner=None):
    """An account renewing in 30 days, its plan due in 3, an action due in 2, a high alert."""
    account = make_account(org, name, owner=owner)
    renews(account, 30)
    account.plan.next_review_due = TODAY + datetime.timedelta(days=3)
    account.plan.save()
    Action.objects.create(tenant=org.tenant, account=account, title=f"Call {name}",
                          due_date=TODAY + datetime.timedelta(days=2))  # fmt: skip
    RiskAlert.objects.create(tenant=org.tenant, account=account, rule="silence",
                             severity=RiskAlert.Severity.HIGH, message="Quiet for 60 days",
                             action="Call them")  # fmt: skip
    return account


def home(client, org):
    return client.get(reverse("dashboard", args=[org.tenant.slug]))


def test_owned_and_team_accounts_alerts_and_my_week(client, org_a):
    other = org_a.add(Role.KAM, manager=org_a.supervisor, email="other@acme.test")
    busy_account(org_a, "Initech")
    staffed = make_account(org_a, "Hooli", owner=other)
    renews(staffed, 200)
    AccountTeamMember.objects.create(tenant=org_a.tenant, account=staffed, membership=org_a.kam)
    Action.objects.create(tenant=org_a.tenant, account=staffed, title="Their action",
                          owner=other, due_date=TODAY)  # fmt: skip
    later = TODAY + datetime.timedelta(days=30)
    Action.objects.create(tenant=org_a.tenant, account=staffed, title="Far away",
                          owner=org_a.kam, due_date=later)  # fmt: skip
    workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q3 2026",
                        datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))  # fmt: skip
    client.force_login(org_a.kam.user)
    response = home(client, org_a)
    rows = {a.name: a for a in response.context["accounts"]}
    assert rows["Initech"].live_alerts == rows["Initech"].high_alerts == 1
    assert rows["Hooli"].live_alerts == 0
    page = " ".join(response.text.split())
    assert "Owned" in page and 'Team</span> <span class="cell-sub">owner Kam of Acme' in page
    assert "1 high</span>" in page
    week = response.context["week"]
    assert [a.title for a in week["actions"]["rows"]] == ["Call Initech"]
    assert [p.account.name for p in week["plans"]["rows"]] == ["Initech"]
    assert [a.name for a in week["renewals"]["rows"]] == ["Initech"]
    assert [s.label for s in week["reviews"]] == ["Your self-assessment for Q3 2026"]
    assert "My week" in page and "Review steps waiting for you" in page

    client.force_login(org_a.supervisor.user)  # the KAM's review waits for them once sent
    review = org_a.kam.reviews.get()
    workflow.submit_self_assessment(review, org_a.kam.user, "Mine", {})
    steps = home(client, org_a).context["week"]["reviews"]
    assert [s.label for s in steps] == ["Review Kam of Acme Components for Q3 2026"]


def test_the_home_asks_a_fixed_number_of_queries(client, org_a, django_assert_max_num_queries):
    busy_account(org_a, "Account 0")
    workflow.open_cycle(org_a.tenant, org_a.leader.user, "Q3 2026",
                        datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))  # fmt: skip
    client.force_login(org_a.kam.user)
    home(client, org_a)  # warm the cached badges
    with django_assert_max_num_queries(40) as small:
        home(client, org_a)
    for n in range(1, 12):
        busy_account(org_a, f"Account {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = home(client, org_a)
    week = response.context["week"]
    assert len(week["actions"]["rows"]) == 6 and week["actions"]["more"]
    assert len(week["renewals"]["rows"]) == 6 and week["plans"]["more"]
