import datetime
import json
import threading
from unittest.mock import Mock

import pytest
from django.core import mail
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from accounts import alerts, badges, health, recalculation
from accounts.demo import CUSTOMERS
from accounts.models import KeyAccount, RiskAlert
from accounts.tasks import notify_owners, send_digests
from kamapp.demo import seed_apps
from kamapp.models import AuditEvent
from kamapp.rls import tenant_context
from tests.accounts.conftest import make_account

# The demo's deliberate patterns (accounts/demo.py) and the rule each is built to trip.
PATTERNS = {
    0: "upsell_without_results",
    1: "margin_erosion",
    2: "plan_stale",
    3: "single_threaded",
    4: "no_contact",
    5: "overdue_actions",
    6: "stage_regressed",  # rpm/demo.py moves the seventh account down
}


@pytest.fixture
def demo(org_a):
    seed_apps(org_a.tenant, size=10)  # every app's demo rows, then a health calculation
    names = [name for name, _ in CUSTOMERS["northwind"][:10]]
    return {
        index: KeyAccount.objects.get(tenant=org_a.tenant, name=name)
        for index, name in enumerate(names)
    }


def live_rules(account) -> set[str]:
    return set(account.alerts.filter(status__in=RiskAlert.LIVE).values_list("rule", flat=True))


def test_each_rule_fires_on_its_demo_pattern_and_healthy_accounts_stay_quiet(demo):
    for index, rule in PATTERNS.items():
        assert rule in live_rules(demo[index]), (demo[index].name, rule)
    quiet = [a for i, a in demo.items() if i not in PATTERNS]
    assert quiet and all(live_rules(a) == set() for a in quiet)
    assert max(len(live_rules(a)) for a in demo.values()) <= 3  # no alert fatigue


def test_every_alert_names_owner_due_date_and_action(demo):
    for alert in RiskAlert.objects.all():
        assert alert.owner_id and alert.due_date and alert.action and alert.message


def test_lifecycle_refresh_resolve_and_reopen(org_a, demo):
    account = demo[2]  # stale plan
    alert = account.alerts.get(rule="plan_stale")
    with tenant_context(org_a.tenant.pk):
        recalculation.recalculate(org_a.tenant)  # still stale: the same alert, refreshed
        assert account.alerts.filter(rule="plan_stale").count() == 1
        account.plan.next_review_due = timezone.localdate() + datetime.timedelta(days=30)
        account.plan.save()
        recalculation.recalculate(org_a.tenant)
        alert.refresh_from_db()
        assert alert.status == "resolved" and alert.resolved_at
        account.plan.next_review_due = timezone.localdate() - datetime.timedelta(days=1)
        account.plan.save()
        recalculation.recalculate(org_a.tenant)
    assert account.alerts.filter(rule="plan_stale").count() == 2
    assert account.alerts.filter(rule="plan_stale", status="open").count() == 1


def test_a_snooze_expires_back_to_open(org_a, demo):
    alert = demo[2].alerts.get(rule="plan_stale")
    alerts.snooze(alert, org_a.kam.user, timezone.localdate() + datetime.timedelta(days=1))
    with tenant_context(org_a.tenant.pk):
        recalculation.recalculate(org_a.tenant)
        alert.refresh_from_db()
        assert alert.status == "snoozed"
        RiskAlert.objects.filter(pk=alert.pk).update(snoozed_until=timezone.localdate())
        recalculation.recalculate(org_a.tenant)
    alert.refresh_from_db()
    assert alert.status == "open"


@pytest.mark.django_db(transaction=True)
def test_two_workers_evaluating_at_once_open_one_alert(org_a):
    account = make_account(org_a, "Race Corp")  # never reviewed in a year: plan_stale fires
    KeyAccount.objects.filter(pk=account.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=365)
    )
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            with tenant_context(org_a.tenant.pk):
                model = health.model_for(org_a.tenant)
                inputs = health.gather(org_a.tenant)
                verdicts = {pk: health.score(i, model) for pk, i in inputs.items()}
                barrier.wait(timeout=10)
                alerts.evaluate(org_a.tenant, inputs, verdicts, model, timezone.localdate())
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    connection.close()  # a fresh session for the assertion (see tests/conftest.py)
    from tests.conftest import see_all_tenants

    see_all_tenants()
    assert RiskAlert.objects.filter(account=account, rule="plan_stale").count() == 1


@pytest.mark.parametrize(
    "preset, days",
    [("day", [1]), ("week", [7]), ("month", [28, 29, 30, 31])],
)
def test_snooze_presets(client, org_a, preset, days):
    account = make_account(org_a)
    alert = RiskAlert.objects.create(
        tenant=org_a.tenant, account=account, rule="plan_stale", severity="high",
        message="Stale", action="Review it", owner=org_a.kam,
    )  # fmt: skip
    client.force_login(org_a.kam.user)
    url = reverse("alert-act", kwargs={"slug": org_a.tenant.slug, "riskalert_pk": alert.pk})
    response = client.post(url, {"snooze_for": preset, "until": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Snoozed" in response.text
    (toast,) = json.loads(response.headers["HX-Trigger"])["kamapp:toast"]["messages"]
    assert toast["level"] == "success" and toast["text"].startswith("Snoozed until ")
    alert.refresh_from_db()
    assert alert.status == "snoozed"
    assert (alert.snoozed_until - timezone.localdate()).days in days
    assert client.post(url, {"snooze_for": "year"}, HTTP_HX_REQUEST="true").status_code == 200
    alert.refresh_from_db()
    assert alert.snoozed_until - timezone.localdate() != datetime.timedelta(days=365)


def test_a_past_until_left_in_the_panel_only_matters_to_a_snooze(client, org_a):
    alert = RiskAlert.objects.create(
        tenant=org_a.tenant, account=make_account(org_a), rule="plan_stale", severity="high",
        message="Stale", action="Review it", owner=org_a.kam,
    )  # fmt: skip
    client.force_login(org_a.kam.user)
    url = reverse("alert-act", kwargs={"slug": org_a.tenant.slug, "riskalert_pk": alert.pk})
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    snooze = client.post(url, {"do": "snooze", "until": yesterday}, HTTP_HX_REQUEST="true")
    assert "Snooze until a date after today." in snooze.text
    alert.refresh_from_db()
    assert alert.status == "open"
    client.post(url, {"do": "acknowledge", "until": yesterday}, HTTP_HX_REQUEST="true")
    alert.refresh_from_db()
    assert alert.status == "acknowledged"


def test_the_month_preset_keeps_the_day_or_the_months_last():
    from accounts.forms.health import SNOOZE_PRESETS

    month = SNOOZE_PRESETS["month"]
    assert month(datetime.date(2026, 1, 31)) == datetime.date(2026, 2, 28)
    assert month(datetime.date(2026, 12, 15)) == datetime.date(2027, 1, 15)


def test_inbox_actions_over_htmx_are_audited(client, org_a, demo):
    alert = demo[2].alerts.get(rule="plan_stale")
    client.force_login(demo[2].owner.user)
    url = reverse("alert-act", kwargs={"slug": org_a.tenant.slug, "riskalert_pk": alert.pk})
    response = client.post(url, {"do": "snooze", "until": "2001-01-01"}, HTTP_HX_REQUEST="true")
    assert "after today" in response.text
    response = client.post(url, {"do": "acknowledge"}, HTTP_HX_REQUEST="true")
    assert response.text.strip().startswith("<tr") and "Acknowledged" in response.text
    response = client.post(url, {"do": "resolve", "note": ""}, HTTP_HX_REQUEST="true")
    assert "Say how it was resolved" in response.text
    client.post(url, {"do": "resolve", "note": "Reviewed with the CFO"})
    alert.refresh_from_db()
    assert alert.status == "resolved" and alert.note == "Reviewed with the CFO"
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"alert.acknowledged", "alert.resolved"} <= verbs


def test_not_useful_keeps_the_rule_quiet_and_counts_against_it(client, org_a, demo):
    alert = demo[2].alerts.get(rule="plan_stale")
    client.force_login(demo[2].owner.user)
    url = reverse("alert-act", kwargs={"slug": org_a.tenant.slug, "riskalert_pk": alert.pk})
    response = client.post(url, {"do": "dismiss"}, HTTP_HX_REQUEST="true")
    assert "Say why it is not useful" in response.text
    response = client.post(url, {"do": "dismiss", "reason": "handled"}, HTTP_HX_REQUEST="true")
    assert "Dismissed as not useful" in response.text and "Already handled" in response.text
    with tenant_context(org_a.tenant.pk):
        recalculation.recalculate(org_a.tenant)  # the plan is still stale: no new alert
        record = alerts.track_record(org_a.tenant)
    assert live_rules(demo[2]) == set()
    assert record["plan_stale"] == {"opened": 1, "acted": 0, "cleared": 0, "dismissed": 1}
    assert AuditEvent.objects.filter(verb="alert.dismissed").exists()
    client.force_login(org_a.admin.user)
    page = client.get(reverse("health-settings", kwargs={"slug": org_a.tenant.slug})).text
    assert "How each rule has done" in page and "No backtest yet" in page


def test_inbox_scope_filters_and_permissions(client, org_a, demo):
    slug = org_a.tenant.slug
    client.force_login(org_a.leader.user)
    page = client.get(reverse("alert-list", kwargs={"slug": slug})).text
    assert demo[0].name in page and demo[2].name in page
    alert = demo[2].alerts.first()
    url = reverse("alert-act", kwargs={"slug": slug, "riskalert_pk": alert.pk})
    assert client.post(url, {"do": "acknowledge"}).status_code == 403  # leaders read
    filtered = client.get(reverse("alert-list", kwargs={"slug": slug}), {"rule": "plan_stale"})
    assert demo[2].name in filtered.text and demo[0].name not in filtered.text
    client.force_login(org_a.kam.user)
    assert client.get(reverse("dashboard", kwargs={"slug": slug})).context["open_alert_count"]


def test_owners_get_one_mail_per_run_and_never_twice(
    org_a, demo, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    high = RiskAlert.objects.filter(severity="high", status="open")
    owners = {a.owner.user.email for a in high.select_related("owner__user")}
    assert owners
    with django_capture_on_commit_callbacks(execute=True):
        notify_owners(org_a.tenant.pk)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(owners)
    assert all("high-risk" in m.subject for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        notify_owners(org_a.tenant.pk)
    assert len(mail.outbox) == len(owners)


def test_daily_digest_reaches_each_supervisor_once(org_a, demo, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    day = timezone.localdate().isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(org_a.tenant.pk, day) == 1
    digest = mail.outbox[0]
    assert digest.to == [org_a.supervisor.user.email]
    assert demo[2].name in digest.body and "plan" in digest.body.lower()
    assert f"/o/{org_a.tenant.slug}/alerts/" in digest.body
    assert send_digests(org_a.tenant.pk, day) == 0
    assert len(mail.outbox) == 1


def test_the_digest_ranks_severity_and_leaves_snoozed_alerts_out(
    org_a, django_capture_on_commit_callbacks
):
    account = make_account(org_a, "Initech")
    for rule, severity, status in [
        ("a_low", "low", "open"),
        ("a_high", "high", "acknowledged"),
        ("a_medium", "medium", "open"),
        ("a_snoozed", "high", "snoozed"),
    ]:
        RiskAlert.objects.create(
            tenant=org_a.tenant,
            account=account,
            rule=rule,
            severity=severity,
            status=status,
            message=f"{rule} message",
            action="Act",
            owner=org_a.kam,
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_digests(org_a.tenant.pk, timezone.localdate().isoformat())
    (digest,) = mail.outbox
    assert digest.subject.endswith(": 3")
    body = digest.body
    assert "a_snoozed" not in body
    assert body.index("High") < body.index("Medium") < body.index("Low")
    assert body.index("a_high") < body.index("a_medium") < body.index("a_low")


def test_warm_navigation_counts_are_one_cache_read_until_their_rows_change(
    org_a, account, monkeypatch, django_assert_num_queries
):
    from kamapp import navigation

    member = org_a.kam
    with django_assert_num_queries(1):  # the three counts, one scalar subquery each
        cold = navigation.counts(member)
    read = Mock(wraps=navigation.cache)
    monkeypatch.setattr(navigation, "cache", read)
    with django_assert_num_queries(0):
        assert navigation.counts(member) == cold
    assert [name for name, *_ in read.method_calls] == ["get_many"]
    RiskAlert.objects.create(
        tenant=org_a.tenant, account=account, rule="no_contact", severity="high", owner=member
    )
    navigation.changed(badges.TOPIC, org_a.tenant.pk)
    with django_assert_num_queries(1):
        warm = navigation.counts(member)
    assert warm == {**cold, "open_alert_count": cold["open_alert_count"] + 1}
