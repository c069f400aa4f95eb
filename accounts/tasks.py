"""Celery tasks: thin, idempotent wrappers that take ids, set the tenant for RLS, claim their
rows and leave the work to the app's modules (`recalculation`, `notify`)."""

import datetime

from celery import shared_task
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import notify, recalculation, rescoring, surveys
from accounts.jobs import Job
from accounts.models import AlertDigest, RiskAlert
from kamapp.models import Membership, Role, Tenant
from kamapp.rls import tenant_context
from kamapp.tasks import RETRY


@shared_task
def recalculate_all() -> int:
    """Beat: one recalculation task per tenant."""
    ids = list(Tenant.objects.values_list("pk", flat=True))
    for tenant_id in ids:
        recalculate_tenant.delay(tenant_id)
    return len(ids)


@shared_task(**RETRY)
def recalculate_tenant(tenant_id: int, job: str = "") -> int:
    """Recalculate the tenant's health, reporting progress under `job` when someone watches."""
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return 0
    watched = Job(tenant_id, job)
    try:
        with tenant_context(tenant_id):
            count = recalculation.recalculate(tenant, watched.progress)
    except Exception:
        watched.set(state="failed")
        raise
    watched.set(state="done", done=count, total=count)
    notify_owners.delay(tenant_id)
    return count


@shared_task(**RETRY)
def rescore_account(tenant_id: int, account_id: int) -> int:
    """One account's health and alerts after a change to its inputs (`rescoring.queue`)."""
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return 0
    rescoring.started(tenant_id, account_id)
    with tenant_context(tenant_id):
        count = recalculation.recalculate(tenant, account_ids=[account_id])
    notify_owners.delay(tenant_id)
    return count


@shared_task(**RETRY)
def notify_owners(tenant_id: int) -> int:
    """One mail per owner with their new high-severity alerts. An alert is claimed (notified_at
    set) in the transaction that queues its mail, so a re-run or a retry sends nothing twice."""
    sent = 0
    with tenant_context(tenant_id):
        tenant = Tenant.objects.get(pk=tenant_id)
        unnotified = RiskAlert.objects.for_tenant(tenant).filter(
            severity=RiskAlert.Severity.HIGH,
            status=RiskAlert.Status.OPEN,
            notified_at=None,
            owner__isnull=False,
        )
        for owner_id in set(unnotified.values_list("owner_id", flat=True)):
            with transaction.atomic():
                alerts = list(
                    unnotified.filter(owner_id=owner_id)
                    .select_for_update(skip_locked=True, of=("self",))
                    .select_related("account", "owner__user")
                )
                if not alerts:
                    continue
                RiskAlert.objects.filter(pk__in=[a.pk for a in alerts]).update(
                    notified_at=timezone.now()
                )
                notify.new_alerts(tenant, alerts)
                sent += 1
    return sent


@shared_task
def send_all_digests() -> int:
    ids = list(Tenant.objects.values_list("pk", flat=True))
    for tenant_id in ids:
        send_digests.delay(tenant_id, timezone.localdate().isoformat())
    return len(ids)


@shared_task(**RETRY)
def send_digests(tenant_id: int, day: str) -> int:
    """Each supervisor's daily digest of their team's open alerts (a snoozed one is not open),
    most serious first, at most once a day: the day's digest row is the claim, created in the
    transaction that queues the mail."""
    sent = 0
    with tenant_context(tenant_id):
        tenant = Tenant.objects.get(pk=tenant_id)
        supervisors = (
            Membership.objects.for_tenant(tenant)
            .active()
            .filter(role=Role.SUPERVISOR)
            .select_related("user")
        )
        for supervisor in supervisors:
            alerts = list(
                RiskAlert.objects.visible_to(supervisor)
                .filter(status__in=[RiskAlert.Status.OPEN, RiskAlert.Status.ACKNOWLEDGED])
                .select_related("account", "owner__user")
                .by_severity()
            )
            if not alerts:
                continue
            try:
                with transaction.atomic():
                    AlertDigest.objects.create(
                        tenant=tenant,
                        membership=supervisor,
                        day=datetime.date.fromisoformat(day),
                        alert_count=len(alerts),
                        sent_at=timezone.now(),
                    )
                    notify.digest(tenant, supervisor, alerts, day)
                sent += 1
            except IntegrityError:  # already sent today
                continue
    return sent


@shared_task
def prune_all_snapshots() -> int:
    """Beat, daily: thin out old health snapshots, tenant by tenant under RLS."""
    deleted = 0
    for tenant in Tenant.objects.all():
        with tenant_context(tenant.pk):
            deleted += recalculation.prune_snapshots(tenant)
    return deleted


@shared_task
def remind_surveys() -> int:
    """Beat, daily: one reminder for each survey left unanswered for a week."""
    reminded = 0
    for tenant in Tenant.objects.all():
        with tenant_context(tenant.pk):
            reminded += surveys.remind(tenant)
    return reminded
