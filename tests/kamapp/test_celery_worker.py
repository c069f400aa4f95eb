"""A real Celery worker, consuming from the real Redis, runs a task that writes under RLS."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from kamapp import outbox
from kamapp.celery import app
from kamapp.models import OutboundMail
from kamapp.rls import tenant_context
from kamapp.tasks import deliver_mail
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


def wait_for(condition, seconds=20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_worker_delivers_a_queued_mail_once(org_a, org_b, real_worker):
    email = org_a.kam.user.email
    with tenant_context(org_a.tenant.pk):  # commits here: the delivery message goes out
        queued = outbox.queue(org_a.tenant.pk, "hello", [email], "Hello", "Body")
    deliver_mail.delay(org_a.tenant.pk, queued.pk)  # a duplicate delivery
    wait_for(lambda: OutboundMail.objects.filter(pk=queued.pk, sent_at__isnull=False).exists())
    time.sleep(0.5)  # let the duplicate finish too
    assert [m.to for m in mail.outbox] == [[email]]


@pytest.mark.django_db(transaction=True)
def test_worker_cannot_touch_another_tenant(org_a, org_b, real_worker):
    # B's id with A's mail: RLS for B hides the row, nothing is sent.
    with tenant_context(org_a.tenant.pk):
        row = OutboundMail.objects.create(tenant=org_a.tenant, key="k", to=["a@x.test"])
    result = deliver_mail.apply_async((org_b.tenant.pk, row.pk))
    time.sleep(1.5)
    row.refresh_from_db()
    assert row.sent_at is None and row.claimed_at is None
    assert mail.outbox == []
    assert result.id


@pytest.mark.django_db(transaction=True)
def test_worker_runs_the_hourly_health_task_end_to_end(org_a, real_worker):
    """Beat's task fans out one task per tenant; each scores under its tenant's RLS context,
    opens alerts and mails the owners of new high-severity ones."""
    from accounts.demo import seed
    from accounts.models import HealthSnapshot, RiskAlert
    from accounts.tasks import recalculate_all

    with tenant_context(org_a.tenant.pk):
        seed(org_a.tenant, size=3)  # accounts only: the worker does the scoring
    recalculate_all.delay()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not mail.outbox:
        time.sleep(0.2)
    assert HealthSnapshot.objects.filter(tenant=org_a.tenant).count() == 3
    assert RiskAlert.objects.filter(tenant=org_a.tenant, severity="high").exists()
    assert mail.outbox and mail.outbox[0].to == [org_a.kam.user.email]
