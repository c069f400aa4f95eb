import datetime

from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountPlan, PlanRevision
from kamapp.models import AuditEvent


def url(org, name, account, **kwargs):
    return reverse(name, kwargs={"slug": org.tenant.slug, "keyaccount_pk": account.pk, **kwargs})


def test_every_save_is_a_revision_with_a_diff(client, org_a, account):
    client.force_login(org_a.kam.user)
    plan_url = url(org_a, "account-plan", account)
    client.post(
        plan_url,
        {
            "summary": "Grow with them.\nCut their downtime.",
            "strategy": "Pilot",
            "risks": "",
            "note": "After the QBR",
        },
    )
    client.post(
        plan_url, {"summary": "Grow with them.", "strategy": "Pilot", "risks": "", "note": ""}
    )
    revisions = list(PlanRevision.objects.filter(plan__account=account).order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].note == "After the QBR" and revisions[0].author == org_a.kam.user
    diff = client.get(url(org_a, "plan-revision", account, planrevision_pk=revisions[1].pk))
    assert 'class="diff-removed">− Cut their downtime.' in diff.text
    assert AuditEvent.objects.filter(verb="plan.update").count() == 2


def test_saving_without_changes_writes_no_revision(client, org_a, account):
    client.force_login(org_a.kam.user)
    client.post(
        url(org_a, "account-plan", account),
        {"summary": account.plan.summary, "strategy": "", "risks": ""},
    )
    assert not PlanRevision.objects.exists()


def test_review_stamps_dates_and_clears_the_stale_badge(client, org_a, account):
    client.force_login(org_a.kam.user)
    plan_url = url(org_a, "account-plan", account)
    assert "Plan is stale" in client.get(plan_url).text  # never reviewed
    response = client.post(
        url(org_a, "account-plan-review", account), {"note": "Quarterly"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "Plan is stale" not in response.text
    assert "<html" not in response.text
    plan = AccountPlan.objects.get(account=account)
    assert plan.next_review_due == timezone.localdate() + datetime.timedelta(days=90)
    assert plan.revisions.get().kind == PlanRevision.Kind.REVIEW


def test_review_cadence_follows_the_tenant_setting(client, org_a, account):
    org_a.tenant.settings = {"plan_review_days": {"key": 30}}
    org_a.tenant.save()
    account.tier = "key"
    account.save()
    client.force_login(org_a.kam.user)
    client.post(url(org_a, "account-plan-review", account))
    account.plan.refresh_from_db()
    assert account.plan.next_review_due == timezone.localdate() + datetime.timedelta(days=30)


def test_leader_cannot_edit_or_review(client, org_a, account):
    client.force_login(org_a.leader.user)
    assert client.post(url(org_a, "account-plan", account), {"summary": "x"}).status_code == 403
    assert client.post(url(org_a, "account-plan-review", account)).status_code == 403
