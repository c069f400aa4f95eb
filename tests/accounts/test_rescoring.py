"""A change to an account's inputs rescores that account within seconds, through Celery,
coalesced per account; the hourly run works in batches of the same code path."""

import datetime
import time

import pytest
from django.db import transaction
from django.utils import timezone

from accounts import recalculation
from accounts.models import Action, HealthSnapshot, Interaction, KPIMeasurement, RiskAlert
from kamapp.rls import tenant_context
from tests.accounts.conftest import make_account, make_kpi, make_objective
from tests.kamapp.test_celery_worker import real_worker, wait_for  # noqa: F401 - a fixture

TODAY = timezone.localdate()


def snapshots(account) -> int:
    return HealthSnapshot.objects.filter(account=account).count()


def test_a_change_rescores_only_its_account(org_a, django_capture_on_commit_callbacks):
    quiet, busy = make_account(org_a, "Quiet"), make_account(org_a, "Busy")
    recalculation.recalculate(org_a.tenant)
    live = set(RiskAlert.objects.filter(account=quiet, status="open").values_list("pk"))
    assert live and snapshots(quiet) == snapshots(busy) == 1
    with django_capture_on_commit_callbacks(execute=True):
        Interaction.objects.create(
            tenant=org_a.tenant, account=busy, date=TODAY, kind="meeting", meaningful=True
        )
    assert snapshots(busy) == 2 and snapshots(quiet) == 1
    # the other account's alerts are left as they were, not resolved for lack of inputs
    assert live == set(RiskAlert.objects.filter(account=quiet, status="open").values_list("pk"))
    assert not RiskAlert.objects.filter(account=busy, rule="no_contact", status="open").exists()


def test_the_hourly_run_in_batches_scores_as_one(org_a, monkeypatch):
    accounts = [make_account(org_a, f"Account {n}") for n in range(5)]
    archived = make_account(org_a, "Archived")
    recalculation.recalculate(org_a.tenant)
    assert RiskAlert.objects.filter(account=archived, status="open").exists()
    archived.status = "archived"
    archived.save()
    monkeypatch.setattr(recalculation, "BATCH", 2)
    assert recalculation.recalculate(org_a.tenant) == 5
    assert all(snapshots(a) == 2 for a in accounts)
    assert not RiskAlert.objects.filter(account=archived, status__in=RiskAlert.LIVE).exists()


@pytest.mark.django_db(transaction=True)
def test_worker_rescores_a_kpi_value_within_seconds_once(org_a, real_worker):  # noqa: F811
    with tenant_context(org_a.tenant.pk):
        account = make_account(org_a)
        kpi = make_kpi(make_objective(account))
    wait_for(lambda: snapshots(account) == 1)  # the new account is scored too
    assert snapshots(account) == 1
    started = time.monotonic()
    with tenant_context(org_a.tenant.pk), transaction.atomic():  # one burst: one run
        for days in (30, 0):
            KPIMeasurement.objects.create(
                tenant=org_a.tenant, kpi=kpi, date=TODAY - datetime.timedelta(days), value=22
            )
        Action.objects.create(tenant=org_a.tenant, account=account, title="Workshop")
    wait_for(lambda: snapshots(account) == 2, seconds=15)
    latency = time.monotonic() - started
    latest = HealthSnapshot.objects.filter(account=account).first()
    assert latest.components["customer_results"]["score"] is not None
    assert latency < 10
    time.sleep(2)  # nothing else was queued for the burst
    assert snapshots(account) == 2
