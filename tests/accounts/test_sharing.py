"""The joint plan: shared through a signed link, answered by the customer without signing in."""

import datetime

import pytest
from django.core import signing
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    GoalResponse,
    KPIMeasurement,
    SharedPlan,
    SharedPlanVisit,
)
from kamapp.models import AuditEvent, OutboundMail
from tests.accounts.conftest import make_action, make_contact, make_kpi, make_objective

TODAY = timezone.localdate()


@pytest.fixture
def plan(account):
    goal = make_objective(account, title="Cut downtime")
    kpi = make_kpi(goal)
    make_action(account, title="Joint workshop", shared=True)
    make_action(account, title="Internal pricing review")
    contact = make_contact(account, email="dana@globex.example")
    return {"account": account, "goal": goal, "kpi": kpi, "contact": contact}


def share(client, org, plan) -> SharedPlan:
    client.force_login(org.kam.user)
    url = reverse(
        "account-joint-plan",
        kwargs={"slug": org.tenant.slug, "keyaccount_pk": plan["account"].pk},
    )
    expires = TODAY + datetime.timedelta(days=30)
    response = client.post(url, {"contacts": [plan["contact"].pk], "expires_on": expires})
    assert response.status_code == 302
    client.logout()
    return SharedPlan.objects.get(contact=plan["contact"])


def test_the_kam_shares_and_the_contact_is_mailed_a_link(client, org_a, plan):
    link = share(client, org_a, plan)
    mail = OutboundMail.objects.get(key=f"shared-plan:{link.pk}")
    assert mail.to == ["dana@globex.example"] and f"/p/{link.token()}/" in mail.body
    assert AuditEvent.objects.filter(verb="plan.share").exists()


def test_the_customer_sees_goals_kpis_and_shared_actions_only(client, org_a, plan):
    link = share(client, org_a, plan)
    page = client.get(f"/p/{link.token()}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Acme Components" in text and "Cut downtime" in text and "<svg" in text
    assert "Joint workshop" in text and "Internal pricing review" not in text
    visit = SharedPlanVisit.objects.get(shared_plan=link)
    assert visit.client == "127.0.0.1"
    link.refresh_from_db()
    assert link.last_opened_at is not None


def test_the_customer_confirms_a_goal_and_enters_a_value(client, org_a, plan):
    link = share(client, org_a, plan)
    url = f"/p/{link.token()}/"
    goal, kpi = plan["goal"], plan["kpi"]
    response = client.post(url, {"answer": "goal", "target": goal.pk, "confirmed": "on"})
    assert response.status_code == 302
    client.post(
        url,
        {"answer": "value", "target": kpi.pk, "date": TODAY.isoformat(), "value": "31.5"},
    )
    assert GoalResponse.objects.get(objective=goal).confirmed
    value = KPIMeasurement.objects.get(kpi=kpi)
    assert value.source == "customer" and str(value.value) == "31.5000"
    assert value.recorded_by is None
    owner_mails = OutboundMail.objects.filter(to=[org_a.kam.user.email])
    assert owner_mails.count() == 2
    assert AuditEvent.objects.filter(verb="plan.customer_value").exists()
    # the KAM sees both, badged
    client.force_login(org_a.kam.user)
    page = client.get(
        reverse(
            "account-objectives",
            kwargs={"slug": org_a.tenant.slug, "keyaccount_pk": plan["account"].pk},
        )
    ).content.decode()
    assert "Confirmed by the customer" in page and "from the customer" in page


def test_a_value_needs_a_date_not_in_the_future(client, org_a, plan):
    link = share(client, org_a, plan)
    future = (TODAY + datetime.timedelta(days=3)).isoformat()
    response = client.post(
        f"/p/{link.token()}/",
        {"answer": "value", "target": plan["kpi"].pk, "date": future, "value": "1"},
    )
    assert response.status_code == 200 and not KPIMeasurement.objects.exists()


def test_another_accounts_goal_is_a_404(client, org_a, plan):
    from tests.accounts.conftest import make_account

    other = make_objective(make_account(org_a, name="Other"), title="Theirs")
    link = share(client, org_a, plan)
    response = client.post(
        f"/p/{link.token()}/", {"answer": "goal", "target": other.pk, "confirmed": "on"}
    )
    assert response.status_code == 404 and not GoalResponse.objects.exists()


def test_tampered_tokens_are_404(client, org_a, org_b, plan):
    link = share(client, org_a, plan)
    token = link.token()
    assert client.get(f"/p/{token[:-2]}xx/").status_code == 404
    forged = signing.dumps([org_b.tenant.pk, link.pk, link.nonce], salt="kamapp.shared-plan")
    assert client.get(f"/p/{forged}/").status_code == 404  # right key, wrong tenant
    survey_salt = signing.dumps([org_a.tenant.pk, link.pk, link.nonce], salt="kamapp.survey")
    assert client.get(f"/p/{survey_salt}/").status_code == 404
    assert not SharedPlanVisit.objects.exists()


def test_expired_and_revoked_links_show_nothing(client, org_a, plan):
    link = share(client, org_a, plan)
    url = f"/p/{link.token()}/"
    SharedPlan.objects.filter(pk=link.pk).update(expires_on=TODAY - datetime.timedelta(days=1))
    response = client.get(url)
    assert response.status_code == 404 and "Cut downtime" not in response.content.decode()
    SharedPlan.objects.filter(pk=link.pk).update(expires_on=TODAY + datetime.timedelta(days=1))
    assert client.get(url).status_code == 200
    client.force_login(org_a.kam.user)
    revoke = reverse(
        "joint-plan-revoke",
        kwargs={
            "slug": org_a.tenant.slug,
            "keyaccount_pk": plan["account"].pk,
            "sharedplan_pk": link.pk,
        },
    )
    client.post(revoke)
    client.logout()
    assert client.get(url).status_code == 404
    assert client.post(url, {"answer": "goal", "target": plan["goal"].pk}).status_code == 404


@override_settings(PUBLIC_LINK_LIMIT=3)
def test_the_public_page_is_rate_limited(client, org_a, plan):
    link = share(client, org_a, plan)
    url = f"/p/{link.token()}/"
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_a_reader_may_not_share(client, org_a, plan):
    client.force_login(org_a.leader.user)
    url = reverse(
        "account-joint-plan",
        kwargs={"slug": org_a.tenant.slug, "keyaccount_pk": plan["account"].pk},
    )
    assert client.get(url).status_code == 200
    expires = TODAY + datetime.timedelta(days=30)
    response = client.post(url, {"contacts": [plan["contact"].pk], "expires_on": expires})
    assert response.status_code == 403 and not SharedPlan.objects.exists()
