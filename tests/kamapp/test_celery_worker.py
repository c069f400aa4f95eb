"""A real Celery worker, consuming from the real Redis, runs a task that writes under RLS."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from kamapp.celery import app
from kamapp.tasks import send_invitation
from tests.conftest import see_all_tenants


@pytest.fixture
def real_worker(settings):
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            see_all_tenants()  # the worker's Django fixup reconnected this thread's database
            yield
    finally:
        app.conf.task_always_eager = True


@pytest.mark.django_db(transaction=True)
def test_worker_sends_an_invitation_once(org_a, org_b, real_worker):
    invitation = org_a.invitation
    send_invitation.delay(org_a.tenant.pk, invitation.pk)
    send_invitation.delay(org_a.tenant.pk, invitation.pk)  # a duplicate delivery
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        invitation.refresh_from_db()
        if invitation.sent_at and len(mail.outbox) >= 1:
            break
        time.sleep(0.1)
    time.sleep(0.5)  # let the duplicate finish too
    assert invitation.sent_at is not None
    assert [m.to for m in mail.outbox] == [[invitation.email]]


@pytest.mark.django_db(transaction=True)
def test_worker_cannot_touch_another_tenant(org_a, org_b, real_worker):
    # B's id with A's invitation: RLS for B hides the row, nothing is sent.
    result = send_invitation.apply_async((org_b.tenant.pk, org_a.invitation.pk))
    time.sleep(1.5)
    org_a.invitation.refresh_from_db()
    assert org_a.invitation.sent_at is None
    assert mail.outbox == []
    assert result.id


@pytest.mark.django_db(transaction=True)
def test_worker_runs_the_hourly_health_task_end_to_end(org_a, real_worker):
    """Beat's task fans out one task per tenant; each scores under its tenant's RLS context,
    opens alerts and mails the owners of new high-severity ones."""
    from accounts.demo import seed
    from accounts.models import HealthSnapshot, RiskAlert
    from accounts.tasks import recalculate_all
    from kamapp.rls import tenant_context

    with tenant_context(org_a.tenant.pk):
        seed(org_a.tenant, size=3)  # accounts only: the worker does the scoring
    recalculate_all.delay()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not mail.outbox:
        time.sleep(0.2)
    assert HealthSnapshot.objects.filter(tenant=org_a.tenant).count() == 3
    assert RiskAlert.objects.filter(tenant=org_a.tenant, severity="high").exists()
    assert mail.outbox and mail.outbox[0].to == [org_a.kam.user.email]
